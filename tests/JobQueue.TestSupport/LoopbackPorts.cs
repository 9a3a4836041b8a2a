using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace JobQueue.TestSupport;

/// <summary>
/// Loopback ports for the servers the tests start, and for ports that must stay closed. Tests run in parallel and
/// each starts its own servers, so a port a stopped server left behind could otherwise be handed to another test's
/// server (a client of the stopped one would then reach a stranger, perhaps a frozen one, and hang instead of being
/// refused). A port is kept from reuse by holding it: bound, never listening, which refuses every connection.
/// </summary>
public static class LoopbackPorts
{
    // Held for the life of the test process: a handful of sockets per run.
    private static readonly ConcurrentBag<Socket> s_closedForever = [];

    /// <summary>A port nothing listens on now; the caller starts a server on it.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A port that refuses connections for the rest of the test run: no test's server can get it.</summary>
    public static int Refusing()
    {
        Socket socket = Bind(0) ?? throw new InvalidOperationException("Could not bind a loopback port.");
        s_closedForever.Add(socket);
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    /// <summary>
    /// Holds <paramref name="port"/>, which a server just gave up, until the returned reservation is disposed (just
    /// before the server starts on it again). Null when the port could not be held (another socket took it first).
    /// </summary>
    public static IDisposable? Hold(int port) => Bind(port);

    private static Socket? Bind(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            // The stopped server's connections linger in TIME_WAIT on this port; without address reuse the bind
            // would fail on them. A port with a bound socket is still never picked for a bind to port 0, nor as
            // the source port of an outgoing connection, which is all the hold is for.
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return socket;
        }
        catch (SocketException)
        {
            socket.Dispose();
            return null;
        }
    }
}
