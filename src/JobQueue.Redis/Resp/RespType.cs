namespace JobQueue.Redis.Resp;

/// <summary>The RESP2 reply kinds; both null forms ($-1 and *-1) read as <see cref="Null"/>.</summary>
internal enum RespType
{
    SimpleString,
    Error,
    Integer,
    BulkString,
    Array,
    Null,
}
