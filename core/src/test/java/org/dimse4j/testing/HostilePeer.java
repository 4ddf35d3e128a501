package org.dimse4j.testing;

import org.dimse4j.ae.ApplicationEntity;
import org.dimse4j.ae.ClientAssociation;
import org.dimse4j.ae.ContextRequest;
import org.dimse4j.pdu.Vectors;
import org.dimse4j.service.Verification;
import org.dimse4j.ul.Outcome;

import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A peer on a plain socket to 127.0.0.1 that sends whatever bytes a test gives it, and the check every hostile-peer
 * test makes: {@link #answerWhileOthersAreServed()} completes a C-ECHO on another association while this one is
 * still connected (its bytes sent, its answer not yet read), and only then reads what the server answered it.
 */
public final class HostilePeer implements AutoCloseable
{
    /** V1 of the spec vectors: an A-ASSOCIATE-RQ for Verification (context 1), Maximum Length 16384. */
    public static final byte[] ASSOCIATE_RQ = Vectors.hex(Vectors.V1_HEX);

    private static final int READ_TIMEOUT_MS = 15_000;

    private final Socket socket;
    private final int port;

    private HostilePeer(final Socket socket, final int port)
    {
        this.socket = socket;
        this.port = port;
    }

    /**
     * @param port the server's port on 127.0.0.1.
     * @return a connected peer (TCP_NODELAY, reads time out after 15 s) that has sent nothing yet.
     * @throws IOException if the connection fails.
     */
    public static HostilePeer connect(final int port) throws IOException
    {
        final Socket socket = new Socket("127.0.0.1", port);
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(READ_TIMEOUT_MS);
        return new HostilePeer(socket, port);
    }

    /**
     * Sends {@link #ASSOCIATE_RQ} and reads the A-ASSOCIATE-AC: the association is then in Sta6.
     *
     * @return this.
     * @throws IOException if the connection fails.
     */
    public HostilePeer associate() throws IOException
    {
        send(ASSOCIATE_RQ);
        final byte[] ac = answer();
        assertEquals(0x02, ac == null ? -1 : ac[0], "A-ASSOCIATE-AC");
        return this;
    }

    /**
     * @param bytes written at once.
     * @return this.
     * @throws IOException if the connection fails.
     */
    public HostilePeer send(final byte[] bytes) throws IOException
    {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
        return this;
    }

    /**
     * @return the next PDU from the server, or null if it closed (or reset) the connection first.
     * @throws IOException         if reading fails otherwise.
     * @throws AssertionError      if neither comes within the read timeout.
     */
    public byte[] answer() throws IOException
    {
        try
        {
            return RawPdu.read(socket.getInputStream());
        }
        catch (final SocketTimeoutException ex)
        {
            throw new AssertionError("no answer and no close within " + READ_TIMEOUT_MS + " ms", ex);
        }
        catch (final EOFException | SocketException closed)
        {
            return null;
        }
    }

    /**
     * Completes a C-ECHO on another association ({@link #assertEchoes(int)}) while this peer is still connected, then
     * reads this peer's answer.
     *
     * @return as {@link #answer()}.
     * @throws IOException if a connection fails.
     */
    public byte[] answerWhileOthersAreServed() throws IOException
    {
        assertEchoes(port);
        return answer();
    }

    /** @return the socket, e.g. to write byte by byte. */
    public Socket socket()
    {
        return socket;
    }

    /**
     * Opens an association to the server, completes a C-ECHO (status 0) and releases it.
     *
     * @param port the server's port on 127.0.0.1; any called AE title must be accepted there.
     * @throws IOException if the association fails.
     */
    public static void assertEchoes(final int port) throws IOException
    {
        try (ClientAssociation assoc = ApplicationEntity.named("WELLBEHAVED").acseTimeoutMs(5_000)
            .dimseTimeoutMs(5_000).build().connect("127.0.0.1", port, "ANY", ContextRequest.of(Verification.SOP_CLASS)))
        {
            assertEquals(0, assoc.echo(), "C-ECHO status on another association");
            assoc.release();
            assertEquals(Outcome.RELEASED, assoc.association().outcome(), "the other association released");
        }
    }

    /** Closes the connection. */
    @Override
    public void close() throws IOException
    {
        socket.close();
    }
}
