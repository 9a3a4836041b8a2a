using System.Diagnostics.CodeAnalysis;
using System.Reflection;

namespace JobQueue.Registration;

/// <summary>Maps arguments types and stored job names to registrations. Built once by the builder, then read-only.</summary>
internal sealed class JobRegistry
{
    private readonly Dictionary<Type, JobRegistration> _byArgsType = [];
    private readonly Dictionary<string, JobRegistration> _byName = new(StringComparer.Ordinal);

    public IReadOnlyCollection<JobRegistration> All => _byName.Values;

    /// <summary>The stable name of an arguments type: its [JobName], else its full name without assembly version.</summary>
    public static string NameOf(Type argsType)
        => argsType.GetCustomAttribute<JobNameAttribute>()?.Name ?? argsType.FullName ?? argsType.Name;

    /// <summary>The arguments types a job handler class takes: one per IJob interface it implements.</summary>
    /// <exception cref="ArgumentException">The type is abstract, or implements no IJob interface.</exception>
    public static IReadOnlyList<Type> ArgsTypesOf(Type jobType)
    {
        if (jobType.IsAbstract || jobType.IsInterface)
        {
            throw new ArgumentException($"Job type {jobType.FullName} is abstract; AddJob needs a concrete class.", nameof(jobType));
        }

        Type[] argsTypes = [.. jobType.GetInterfaces()
            .Where(i => i.IsGenericType && (i.GetGenericTypeDefinition() == typeof(IJob<>) || i.GetGenericTypeDefinition() == typeof(IJob<,>)))
            .Select(i => i.GetGenericArguments()[0])];
        if (argsTypes.Length == 0)
        {
            throw new ArgumentException(
                $"{jobType.FullName} implements neither IJob<TArgs> nor IJob<TArgs, TResult>; AddJob takes a job handler class.",
                nameof(jobType));
        }

        return argsTypes;
    }

    /// <summary>Registers every IJob interface <paramref name="jobType"/> implements, each with its own options.</summary>
    /// <param name="jobType">A handler class, checked by <see cref="ArgsTypesOf"/> already.</param>
    /// <param name="optionsByArgsType">The options of each of its arguments types.</param>
    /// <exception cref="InvalidOperationException">An arguments type or job name is registered already.</exception>
    public IReadOnlyList<JobRegistration> Add(Type jobType, IReadOnlyDictionary<Type, JobOptions> optionsByArgsType)
    {
        var added = new List<JobRegistration>();
        foreach (Type contract in jobType.GetInterfaces().Where(i => i.IsGenericType))
        {
            Type definition = contract.GetGenericTypeDefinition();
            Type[] arguments = contract.GetGenericArguments();
            JobRegistration? registration = null;
            if (definition == typeof(IJob<>))
            {
                Type invokerType = typeof(JobInvoker<,>).MakeGenericType(jobType, arguments[0]);
                registration = new JobRegistration(NameOf(arguments[0]), arguments[0], jobType, null, optionsByArgsType[arguments[0]],
                    (JobInvoker)Activator.CreateInstance(invokerType)!);
            }
            else if (definition == typeof(IJob<,>))
            {
                Type invokerType = typeof(JobInvoker<,,>).MakeGenericType(jobType, arguments[0], arguments[1]);
                registration = new JobRegistration(NameOf(arguments[0]), arguments[0], jobType, arguments[1], optionsByArgsType[arguments[0]],
                    (JobInvoker)Activator.CreateInstance(invokerType)!);
            }

            if (registration is not null)
            {
                Add(registration);
                added.Add(registration);
            }
        }

        return added;
    }

    public bool TryGet(Type argsType, [NotNullWhen(true)] out JobRegistration? registration)
        => _byArgsType.TryGetValue(argsType, out registration);

    public bool TryGet(string name, [NotNullWhen(true)] out JobRegistration? registration)
        => _byName.TryGetValue(name, out registration);

    private void Add(JobRegistration registration)
    {
        if (_byArgsType.TryGetValue(registration.ArgsType, out JobRegistration? existing))
        {
            throw new InvalidOperationException(
                $"Arguments type {registration.ArgsType.FullName} is already handled by {existing.JobType.FullName}; " +
                $"{registration.JobType.FullName} cannot handle it too. Each arguments type has exactly one job handler.");
        }

        if (_byName.TryGetValue(registration.Name, out existing))
        {
            throw new InvalidOperationException(
                $"Job name '{registration.Name}' of {registration.ArgsType.FullName} is already used by {existing.ArgsType.FullName}. " +
                "Give one of them another [JobName(\"...\")].");
        }

        _byArgsType.Add(registration.ArgsType, registration);
        _byName.Add(registration.Name, registration);
    }
}
