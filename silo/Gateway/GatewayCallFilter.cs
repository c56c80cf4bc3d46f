// Design: the filter runs on whichever silo hosts the called grain. A call whose source is an outside grain client
// (Orleans' client id type) must carry a call token of a service in force; an operator service may then call
// anything, a service bound to one client only methods marked [ClientCallable] and only for its client. A call that
// names a silo's own hosted client as its source must carry the cluster's stamp instead (SiloCallStamp), so a gateway
// client cannot pass as one. Grain-to-grain calls and Orleans' system targets pass untouched. The rule for a method is
// read once from its attribute and kept.
using System.Collections.Concurrent;
using System.Reflection;
using Marketplace.GrainInterfaces;

namespace Marketplace.Silo.Gateway;

/// <summary>Refuses grain calls from gateway clients that lack a valid call token or step outside their service.</summary>
internal sealed class GatewayCallFilter(GatewayServiceRegistry services, SiloCallStamp stamp, IServiceProvider provider, ILogger<GatewayCallFilter> logger) : IIncomingGrainCallFilter
{
    private readonly TimeProvider _time = provider.GetService<TimeProvider>() ?? TimeProvider.System;

    private const string HostedClientPrefix = "hosted-";

    private static readonly ConcurrentDictionary<MethodInfo, ClientCallableAttribute?> Rules = new();

    /// <inheritdoc />
    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.SourceId is not { } source || !source.IsClient() || context.TargetId.IsSystemTarget())
        {
            return context.Invoke();
        }

        var refusal = source.Key.ToString().StartsWith(HostedClientPrefix, StringComparison.Ordinal)
            ? (stamp.Matches(RequestContext.Get(SiloCallStamp.Key) as string) ? null : "the call names a silo's own client as its source but lacks the cluster's stamp")
            : Check(context);
        if (refusal is not null)
        {
            GatewayLog.CallRefused(logger, context.InterfaceName, context.MethodName, refusal);
            throw new GatewayRefusedException(refusal);
        }

        return context.Invoke();
    }

    private string? Check(IIncomingGrainCallContext context)
    {
        var token = RequestContext.Get(GatewayProtocol.CallTokenKey) as string;
        if (!GatewayProtocol.TryReadCallToken(token, out var name, out var expires, out var mac))
        {
            return "the call carries no gateway credential (connect with the marketplace sdk's GatewayConnection and a credential, service:secret)";
        }

        var service = services.Find(name);
        if (service is null || !GatewayProtocol.TokenMacMatches(service.Secret, name, expires, mac))
        {
            return $"the call's credential of service '{name}' is not accepted: unknown service or wrong secret";
        }

        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        if (expires < now)
        {
            return $"the call's credential of service '{name}' expired {now - expires} s ago (the sdk renews it; check the client's clock)";
        }

        if (expires - now > (long)GatewayProtocol.MaxTokenLifetime.TotalSeconds)
        {
            return $"the call's credential of service '{name}' claims to last {expires - now} s, more than {GatewayProtocol.MaxTokenLifetime.TotalSeconds:0} s (check the client's clock)";
        }

        return service.IsOperator ? null : CheckBound(context, service);
    }

    private static string? CheckBound(IIncomingGrainCallContext context, GatewayService service)
    {
        var rule = Rules.GetOrAdd(context.InterfaceMethod, static method => method.GetCustomAttribute<ClientCallableAttribute>());
        var client = service.ClientId!;
        var what = $"{context.InterfaceName}.{context.MethodName}";
        switch (rule?.Scope)
        {
            case ClientCallScope.Public:
                return null;
            case ClientCallScope.GrainKey:
                return context.TargetId.Key.ToString() == client
                    ? null
                    : $"service '{service.Name}' acts only as client '{client}' and may not call {what} for another client";
            case ClientCallScope.Argument:
                var request = context.Request;
                var actsFor = rule.Index < request.GetArgumentCount() ? request.GetArgument(rule.Index) : null;
                return actsFor switch
                {
                    string id when id == client => null,
                    BlobCaller { FullAccess: false, JobOutput: false } caller when caller.ClientId == client => null,
                    JobSubmission submission when submission.ClientId == client => null,
                    _ => $"service '{service.Name}' acts only as client '{client}' (with that client's access) and may not call {what} for another client, with full access or as a job's output",
                };
            default:
                return $"{what} is for operator services only; service '{service.Name}' acts as client '{client}' (set Marketplace:Gateway:Services:{service.Name}:Operator = true instead of :ClientId to allow it)";
        }
    }
}
