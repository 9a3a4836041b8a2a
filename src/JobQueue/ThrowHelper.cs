namespace JobQueue;

/// <summary>The exceptions thrown in more than one place, with messages that name the fix.</summary>
internal static class ThrowHelper
{
    public static InvalidOperationException UnknownArgumentsType(Type argsType) => new(
        $"No job is registered for arguments type {argsType.FullName}. " +
        "Register its handler with services.AddJobQueue(q => q.AddJob<YourJob>()), where YourJob implements IJob<" + argsType.Name + ">.");
}
