using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace JobQueue.Registration;

/// <summary>Invokes an <see cref="IJob{TArgs}"/>.</summary>
internal sealed class JobInvoker<TJob, TArgs> : JobInvoker
    where TJob : class, IJob<TArgs>
{
    public override object DeserializeArguments(byte[] arguments, JsonSerializerOptions options)
        => ArgumentsReader.Read<TArgs>(arguments, options)!;

    public override async Task<byte[]?> InvokeAsync(IServiceProvider services, object args, JobContext context,
        JsonSerializerOptions options, CancellationToken cancellationToken)
    {
        TJob job = services.GetRequiredService<TJob>();
        await job.ExecuteAsync((TArgs)args, context, cancellationToken).ConfigureAwait(false);
        return null;
    }
}

/// <summary>Invokes an <see cref="IJob{TArgs, TResult}"/> and serializes its result.</summary>
internal sealed class JobInvoker<TJob, TArgs, TResult> : JobInvoker
    where TJob : class, IJob<TArgs, TResult>
{
    public override object DeserializeArguments(byte[] arguments, JsonSerializerOptions options)
        => ArgumentsReader.Read<TArgs>(arguments, options)!;

    public override async Task<byte[]?> InvokeAsync(IServiceProvider services, object args, JobContext context,
        JsonSerializerOptions options, CancellationToken cancellationToken)
    {
        TJob job = services.GetRequiredService<TJob>();
        TResult result = await job.ExecuteAsync((TArgs)args, context, cancellationToken).ConfigureAwait(false);
        return JsonSerializer.SerializeToUtf8Bytes(result, options);
    }
}
