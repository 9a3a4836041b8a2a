using System.Globalization;
using JobQueue.Storage;
using Microsoft.Data.Sqlite;

namespace JobQueue.Sqlite.Storage;

internal sealed partial class SqliteJobReader
{
    /// <summary>The flow state around one job, read in one snapshot (the caller's deferred transaction).</summary>
    public FlowState GetFlowState(FlowStateRequest request)
    {
        bool paused;
        using (SqliteCommand command = _commands.Create(FlowSql.IsPaused).With("$queue", request.Queue))
        {
            paused = command.ExecuteScalar() is 1L;
        }

        int runningInQueue;
        using (SqliteCommand command = _commands.Create(FlowSql.RunningInQueue).With("$queue", request.Queue))
        {
            runningInQueue = Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
        }

        int runningWithKey = 0;
        if (request.LimitKey is { } key)
        {
            using SqliteCommand command = _commands.Create(FlowSql.RunningWithKey).With("$key", key);
            runningWithKey = Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
        }

        DateTimeOffset? heldUntil;
        using (SqliteCommand command = _commands.Create(FlowSql.HeldUntil)
            .With("$name_scope", FlowScope.Name(request.Name))
            .With("$key_scope", request.LimitKey is { } limitKey ? FlowScope.Key(limitKey) : null)
            .With("$now", request.Now))
        {
            heldUntil = command.ExecuteScalar() is long until ? SqliteTime.FromStored(until) : null;
        }

        var roomAt = new DateTimeOffset?[request.Rates.Count];
        using (SqliteCommand command = _commands.Create(FlowSql.OldestStartToLeave)
            .WithNull("$scope").WithNull("$since").WithNull("$offset"))
        {
            for (int i = 0; i < roomAt.Length; i++)
            {
                RateScopeQuery rate = request.Rates[i];
                command.Set("$scope", rate.Scope);
                command.Set("$since", SqliteTime.ToStored(request.Now - rate.Limit.Period));
                command.Set("$offset", rate.Limit.Starts - 1);
                roomAt[i] = command.ExecuteScalar() is long startedAt ? SqliteTime.FromStored(startedAt) + rate.Limit.Period : null;
            }
        }

        return new FlowState
        {
            QueuePaused = paused,
            RunningInQueue = runningInQueue,
            RunningWithKey = runningWithKey,
            HeldUntil = heldUntil,
            RateRoomAt = roomAt,
        };
    }
}
