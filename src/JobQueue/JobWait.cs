namespace JobQueue;

/// <summary>Why a ready job waits, and until when if that is known.</summary>
public sealed record JobWait
{
    /// <summary>The reason.</summary>
    public required JobWaitReason Reason { get; init; }

    /// <summary>When the reason ends, for a rate limit or a hold; null when it ends with another job (a limit) or a resume.</summary>
    public DateTimeOffset? Until { get; init; }
}
