namespace JobQueue;

/// <summary>
/// Gives a job's arguments type a stable name, stored with every job of that type. Without it the name is
/// the arguments type's full name, which changes when the type is renamed or moved: jobs already stored
/// under the old name would then find no handler.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = false, Inherited = false)]
public sealed class JobNameAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="name">The stable job name, such as "send-welcome-email".</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null, empty or white space.</exception>
    public JobNameAttribute(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
    }

    /// <summary>The stable job name.</summary>
    public string Name { get; }
}
