namespace JobQueue.Storage;

/// <summary>
/// The names of the scopes that rate limits count starts in and that holds apply to. A store builds them for a job from its
/// queue, name and limit key; the prefixes keep a queue, a name and a key with the same text apart.
/// </summary>
public static class FlowScope
{
    /// <summary>The scope of a queue's starts.</summary>
    public static string Queue(string queue) => "queue:" + queue;

    /// <summary>The scope of a job name's starts and holds.</summary>
    public static string Name(string name) => "name:" + name;

    /// <summary>The scope of a limit key's starts and holds.</summary>
    public static string Key(string limitKey) => "key:" + limitKey;
}
