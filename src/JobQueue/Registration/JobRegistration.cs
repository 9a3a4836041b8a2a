namespace JobQueue.Registration;

/// <summary>One registered job type: its stable name, its arguments type, its handler and its options.</summary>
internal sealed class JobRegistration
{
    public JobRegistration(string name, Type argsType, Type jobType, Type? resultType, JobOptions options, JobInvoker invoker)
    {
        Name = name;
        ArgsType = argsType;
        JobType = jobType;
        ResultType = resultType;
        Options = options;
        Invoker = invoker;
        Contract = new JobContract(name, options);
    }

    public string Name { get; }

    public Type ArgsType { get; }

    public Type JobType { get; }

    public Type? ResultType { get; }

    public JobOptions Options { get; }

    public JobInvoker Invoker { get; }

    /// <summary>The name and options jobs of this type are enqueued with (the same options object, so configuration bound onto it counts).</summary>
    public JobContract Contract { get; }
}
