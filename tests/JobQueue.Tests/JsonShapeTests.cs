using System.Text.Json;

namespace JobQueue.Tests;

/// <summary>What an API that returns the library's ids, states and job records gives its callers in JSON.</summary>
public sealed class JsonShapeTests
{
    private static readonly Guid s_guid = Guid.Parse("0190a5c2-7e4b-7cc1-9f0e-3b2f6d1e8a90");

    [Fact]
    public void Serialize_JobIdAndBatchId_ArePlainStringsThatReadBack()
    {
        var ids = new Ids(new JobId(s_guid), new BatchId(s_guid), null);

        string json = JsonSerializer.Serialize(ids);
        Ids? read = JsonSerializer.Deserialize<Ids>(json);

        json.Should().Be("""{"Job":"0190a5c2-7e4b-7cc1-9f0e-3b2f6d1e8a90","Batch":"0190a5c2-7e4b-7cc1-9f0e-3b2f6d1e8a90","Parent":null}""");
        read.Should().Be(ids);
    }

    [Fact]
    public void Serialize_DictionaryKeyedByJobId_UsesTheIdAsThePropertyName()
    {
        var states = new Dictionary<JobId, JobState> { [new JobId(s_guid)] = JobState.Running };

        string json = JsonSerializer.Serialize(states);
        Dictionary<JobId, JobState>? read = JsonSerializer.Deserialize<Dictionary<JobId, JobState>>(json);

        json.Should().Be("""{"0190a5c2-7e4b-7cc1-9f0e-3b2f6d1e8a90":"Running"}""");
        read.Should().Equal(states);
    }

    [Fact]
    public void Serialize_JobInfo_GivesTheIdAsAStringAndTheStateByName()
    {
        var info = new JobInfo
        {
            Id = new JobId(s_guid),
            Name = "send-welcome-email",
            Queue = "default",
            State = JobState.Succeeded,
            Arguments = JsonDocument.Parse("""{"email":"a@b.c"}""").RootElement,
            BatchId = new BatchId(s_guid),
            Waiting = new JobWait { Reason = JobWaitReason.QueuePaused },
        };

        using JsonDocument json = JsonDocument.Parse(JsonSerializer.Serialize(info, JsonSerializerOptions.Web));

        json.RootElement.GetProperty("id").GetString().Should().Be(s_guid.ToString("D"));
        json.RootElement.GetProperty("state").GetString().Should().Be("Succeeded");
        json.RootElement.GetProperty("batchId").GetString().Should().Be(s_guid.ToString("D"));
        json.RootElement.GetProperty("waiting").GetProperty("reason").GetString().Should().Be("QueuePaused");
    }

    [Fact]
    public void Deserialize_StateAsNumber_StillReads()
    {
        JsonSerializer.Deserialize<JobState>("3").Should().Be(JobState.Succeeded, "JSON written before states were names still reads");
        JsonSerializer.Deserialize<BatchState>("\"Failed\"").Should().Be(BatchState.Failed);
    }

    [Theory]
    [InlineData("\"nope\"", "'nope' is not a job id*")]
    [InlineData("42", "A job id is a JSON string*found Number*")]
    public void Deserialize_JobIdThatIsNoId_ThrowsJsonExceptionNamingIt(string json, string message)
    {
        Action act = () => JsonSerializer.Deserialize<JobId>(json);

        act.Should().Throw<JsonException>().WithMessage(message);
    }

    [Fact]
    public void Deserialize_BatchIdThatIsNoId_ThrowsJsonExceptionNamingIt()
    {
        Action act = () => JsonSerializer.Deserialize<BatchId>("\"order-7\"");

        act.Should().Throw<JsonException>().WithMessage("'order-7' is not a batch id*");
    }

    private sealed record Ids(JobId Job, BatchId Batch, BatchId? Parent);
}
