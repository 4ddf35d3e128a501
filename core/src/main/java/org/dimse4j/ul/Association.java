package org.dimse4j.ul;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.dimse4j.buffer.ReceiveRing;
import org.dimse4j.buffer.SendBuffer;
import org.dimse4j.pdu.AbortReason;
import org.dimse4j.pdu.AssociateDecoder;
import org.dimse4j.pdu.AssociateEncoder;
import org.dimse4j.pdu.AssociatePdu;
import org.dimse4j.pdu.FixedPduCodec;
import org.dimse4j.pdu.PDataDecoder;
import org.dimse4j.pdu.PDataEncoder;
import org.dimse4j.pdu.PduDescriptor;
import org.dimse4j.pdu.PduFramer;
import org.dimse4j.pdu.ProtocolException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ByteChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * One DICOM association over one TCP connection (PS3.8 §9.1.1): the transport, the receive ring and send buffer,
 * the DUL {@link StateMachine}, and the negotiated parameters.
 * <p>
 * An association is owned by exactly one thread, which calls {@link #doWork(long)} whenever its socket may be
 * ready: an {@code EventLoop} for accepted associations, the caller's thread for requested ones. Received PDUs are
 * framed in place in the ring and turned into state-machine events; P-DATA-TF PDVs are handed to the
 * {@link AssociationListener} where they lie. Everything the protocol sends is encoded straight into the send
 * buffer. A protocol fault from the peer ends this association with the standard's A-ABORT and one log line; it
 * never escapes {@link #doWork(long)}.
 */
public final class Association implements DulActionHandler, AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(Association.class);
    private static final int MAX_CONTEXTS = 256;
    private static final int PDV_QUEUE_CAPACITY = 64 * 1024;

    private final boolean requestor;
    private final AssociationSettings settings;
    private final AcceptorPolicy policy;
    private final StateMachine machine;
    private final PduFramer framer;
    private final AssociateDecoder associateDecoder = new AssociateDecoder();
    private final AssociateEncoder associateEncoder = new AssociateEncoder();
    private final PDataDecoder pDataDecoder = new PDataDecoder();
    private final PDataEncoder pDataEncoder = new PDataEncoder();
    private final AssociatePdu request = new AssociatePdu();
    private final AssociatePdu accept = new AssociatePdu();
    private final String[] contextTransferSyntax = new String[MAX_CONTEXTS];
    private final String[] contextAbstractSyntax = new String[MAX_CONTEXTS];
    private ReceiveRing ring;
    private boolean unframeable;
    private SendBuffer send;
    private ByteChannel channel;
    private TlsChannel tls;
    private SelectionKey selectionKey;
    private AssociationListener listener;
    private String name;

    private long nowNs;
    private long artimDeadlineNs;
    private long acseDeadlineNs;
    private long lastReceiveNs;
    private long pduStartNs;
    private Primitive pendingPrimitive;
    private int pduOffset;
    private int pduLength;
    private long pduPosition;
    private boolean published;
    /** While received PDUs are handed up, P-DATA-TF answers wait in the send buffer and leave in one write. */
    private boolean coalescing;
    private PdvQueue queue;
    private final PdvQueue.Handler pdvHandler = this::onQueuedPdv;
    private int work;
    private int rejectCode;
    private int abortSource;
    private int abortReason;
    private int peerMaxPduLength;
    private int pDataClaimOffset = -1;
    private int pDataClaimLength;
    private boolean writeInterest;
    private boolean readPaused;
    private long sendStallSinceNs;
    private boolean closed;
    private boolean established;
    private Outcome outcome = Outcome.OPEN;
    private String failure;

    private Association(final boolean requestor, final AssociationSettings settings, final AcceptorPolicy policy,
        final AssociationListener listener)
    {
        this.requestor = requestor;
        this.settings = settings;
        this.policy = policy;
        this.listener = listener;
        this.machine = new StateMachine(requestor, this);
        this.framer = new PduFramer(settings.maxPduLength(), settings.maxAssociatePduLength());
    }

    /**
     * Makes the acceptor side of a connection just accepted (Evt5: AE-5 starts ARTIM).
     *
     * @param channel  the accepted connection: a {@link SocketChannel} (made non-blocking, TCP_NODELAY here), or
     *                 any non-blocking byte channel (an in-memory transport for tests and benchmarks).
     * @param settings limits and timeouts (concluded).
     * @param policy   what we accept.
     * @param listener the layer above.
     * @param nowNs    current time from {@link System#nanoTime()}.
     * @return the association in Sta2.
     * @throws IOException if the socket cannot be configured.
     */
    public static Association accepted(final ByteChannel channel, final AssociationSettings settings,
        final AcceptorPolicy policy, final AssociationListener listener, final long nowNs) throws IOException
    {
        final Association association = new Association(false, settings, policy, listener);
        association.nowNs = nowNs;
        association.attach(channel);
        association.machine.handle(Event.EVT5);
        return association;
    }

    /**
     * Opens a connection and sends the A-ASSOCIATE-RQ (Evt1: AE-1; Evt2: AE-2). The caller then drives
     * {@link #doWork(long)} until {@link #isEstablished()} or {@link #isClosed()}.
     *
     * @param address  the acceptor.
     * @param rq       the request to send: AE titles, contexts, user information.
     * @param settings limits and timeouts (concluded).
     * @param listener the layer above.
     * @return the association in Sta5.
     * @throws IOException if the connection cannot be made.
     */
    public static Association request(final SocketAddress address, final AssociatePdu rq,
        final AssociationSettings settings, final AssociationListener listener) throws IOException
    {
        final Association association = new Association(true, settings, null, listener);
        association.nowNs = System.nanoTime();
        copy(rq, association.request);
        association.request.maxLength(settings.maxPduLength());
        association.pendingAddress = address;
        association.machine.handle(Event.EVT1);
        if (association.channel == null)
        {
            throw new IOException(association.failure != null ? association.failure : "connection failed");
        }
        association.machine.handle(Event.EVT2);
        association.acseDeadlineNs = association.nowNs + settings.acseTimeoutNs();
        return association;
    }

    private SocketAddress pendingAddress;

    private void attach(final ByteChannel channel) throws IOException
    {
        this.channel = channel;
        if (channel instanceof SocketChannel)
        {
            final SocketChannel socket = (SocketChannel)channel;
            socket.configureBlocking(false);
            socket.setOption(StandardSocketOptions.TCP_NODELAY, Boolean.TRUE);
            if (settings.socketBufferSize() > 0)
            {
                socket.setOption(StandardSocketOptions.SO_RCVBUF, settings.socketBufferSize());
                socket.setOption(StandardSocketOptions.SO_SNDBUF, settings.socketBufferSize());
            }
        }
        this.name = describe(channel);
        if (settings.tls() != null && channel instanceof SocketChannel)
        {
            final InetSocketAddress peer = pendingAddress instanceof InetSocketAddress ?
                (InetSocketAddress)pendingAddress : null;
            tls = new TlsChannel((SocketChannel)channel, settings.tls().newEngine(requestor,
                peer == null ? null : peer.getHostString(), peer == null ? -1 : peer.getPort()), name);
            this.channel = tls;
        }
        this.ring = new ReceiveRing(settings.receiveRingCapacity());
        this.queue = new PdvQueue(PDV_QUEUE_CAPACITY, ring);
        this.send = new SendBuffer(settings.sendBufferCapacity());
        this.lastReceiveNs = nowNs;
    }

    private static String describe(final ByteChannel channel)
    {
        if (!(channel instanceof SocketChannel))
        {
            return channel.getClass().getSimpleName();
        }
        try
        {
            final SocketAddress remote = ((SocketChannel)channel).getRemoteAddress();
            return remote instanceof InetSocketAddress ?
                ((InetSocketAddress)remote).getHostString() + ":" + ((InetSocketAddress)remote).getPort() :
                String.valueOf(remote);
        }
        catch (final IOException ex)
        {
            return "unconnected";
        }
    }

    /**
     * Registers for the selector's readiness so that the owner's loop calls {@link #doWork(long)}.
     *
     * @param key this association's key; its attachment is the association.
     */
    public void selectionKey(final SelectionKey key)
    {
        this.selectionKey = key;
    }

    /** @return the connection, when it is a socket (else null); under TLS, the socket below it. */
    public SocketChannel channel()
    {
        if (tls != null)
        {
            return tls.socket();
        }
        return channel instanceof SocketChannel ? (SocketChannel)channel : null;
    }

    /** @return true when this association runs over TLS. */
    public boolean isTls()
    {
        return tls != null;
    }

    /**
     * @return true when received bytes wait in the transport (decrypted TLS records) where the selector cannot see
     * them: the owner should run {@link #doWork(long)} again without waiting for readiness.
     */
    public boolean hasBufferedInput()
    {
        return tls != null && !closed && tls.hasBufferedInput();
    }

    /**
     * One duty cycle: writes what is pending, reads what arrived, frames and handles whole PDUs, checks timers.
     *
     * @param nowNs current time from {@link System#nanoTime()}.
     * @return amount of work done (0 when idle).
     */
    public int doWork(final long nowNs)
    {
        return cycle(nowNs, true);
    }

    /**
     * A duty cycle for an association whose socket the selector did not report readable: as {@link #doWork}, but
     * the socket is read only when a PDU is partly received or PDUs wait in the receive ring (a read would find
     * nothing, and an event loop's periodic sweep of thousands of idle associations would spend a system call on
     * each of them every few milliseconds).
     *
     * @param nowNs current time from {@link System#nanoTime()}.
     * @return amount of work done (0 when idle).
     */
    public int doTimers(final long nowNs)
    {
        return cycle(nowNs, false);
    }

    private int cycle(final long nowNs, final boolean readSocket)
    {
        this.nowNs = nowNs;
        if (closed)
        {
            return 0;
        }
        this.work++;
        try
        {
            return duty(readSocket || ring.available() > 0 || hasBufferedInput());
        }
        finally
        {
            if (--this.work == 0 && closed)
            {
                freeBuffers();
            }
        }
    }

    private int duty(final boolean readSocket)
    {
        int work = 0;
        try
        {
            if (!isSendIdle())
            {
                work += flush();
            }
            if (!closed && send.pending() <= send.capacity() / 2)
            {
                if (readSocket)
                {
                    work += receive();
                }
            }
            else if (pduStartNs != 0)
            {
                pduStartNs = nowNs; // we are not reading: the peer is not the one holding the PDU back
            }
            if (!closed && established && machine.state() == State.STA6)
            {
                work += idle();
            }
        }
        catch (final IOException ex)
        {
            if (!closed)
            {
                LOG.debug("{}: connection failed: {}", name, ex.toString());
                tlsFailure(ex);
                transportClosed();
            }
            work++;
        }
        if (!closed)
        {
            work += checkTimers();
        }
        return work;
    }

    private void tlsFailure(final IOException ex)
    {
        if (failure == null && tls != null && (ex instanceof javax.net.ssl.SSLException || !tls.isHandshakeComplete()))
        {
            failure = "TLS " + (tls.isHandshakeComplete() ? "" : "handshake ") + "failed: " + ex.getMessage();
        }
    }

    private int receive() throws IOException
    {
        coalescing = true;
        try
        {
            return receiveAndHandle();
        }
        finally
        {
            coalescing = false;
            if (!isSendIdle())
            {
                tryFlush(); // the answers to everything this read brought, in one system call
            }
        }
    }

    private int receiveAndHandle() throws IOException
    {
        if (!queue.isEmpty() && (!drainPdvs() || closed))
        {
            return 1;
        }
        final int n = ring.read(channel);
        if (n < 0)
        {
            transportClosed();
            return 1;
        }
        if (n > 0)
        {
            lastReceiveNs = nowNs;
        }
        else if (pduStartNs != 0 && !ring.hasRoom())
        {
            pduStartNs = nowNs; // the ring is full: the rest of the PDU waits on us, not on the peer
        }
        if (unframeable)
        {
            discardInput(); // no PDU boundary to find after a bad header: ignore what follows
            return n;
        }
        int frames = 0;
        while (!closed && ring.available() > 0)
        {
            final int frameLength;
            final int records;
            try
            {
                frameLength = framer.frame(ring.buffer(), ring.frameOffset(), ring.available());
                if (frameLength < 0)
                {
                    if (pduStartNs == 0)
                    {
                        pduStartNs = nowNs; // the per-PDU deadline runs from the first byte we saw of it
                    }
                    if (ring.ensureContiguous(-frameLength) == ReceiveRing.TOO_LARGE)
                    {
                        throw new ProtocolException(AbortReason.INVALID_PDU_PARAMETER_VALUE,
                            "PDU of " + -frameLength + " bytes does not fit the receive ring");
                    }
                    break;
                }
                records = PduDescriptor.pduType(ring.buffer(), ring.frameOffset()) == PduDescriptor.P_DATA_TF ?
                    countPdvs(ring.frameOffset(), frameLength) : 1;
            }
            catch (final ProtocolException ex)
            {
                // the stream cannot be framed any more: drop it, or the same header is parsed (and answered with
                // an A-ABORT) again on every duty cycle until ARTIM expires
                unframeable = true;
                discardInput();
                invalidPdu(ex);
                break;
            }
            pduStartNs = 0;
            if (!queue.hasRoomFor(records))
            {
                break; // the service side is behind: leave the PDU in the ring, read no more
            }
            final long position = ring.framePosition();
            ring.advance(frameLength);
            published = false;
            handlePdu(ring.offset(position), frameLength, position);
            if (!published)
            {
                queue.offerRelease(position + frameLength);
            }
            drainPdvs();
            frames++;
            if (closed || send.pending() > send.capacity() / 2)
            {
                break;
            }
        }
        return n + frames;
    }

    /**
     * Hands queued PDVs to the layer above while the send buffer can take their answers: one P-DATA-TF may carry
     * hundreds of requests, and each answer claims room for a whole PDU. The rest wait in the ring for the socket to
     * drain (their PDU's ring space is released only when its last PDV is taken).
     *
     * @return true when the queue is empty.
     */
    private boolean drainPdvs()
    {
        while (!closed && send.pending() <= send.capacity() / 2)
        {
            if (queue.drain(pdvHandler, 1) == 0)
            {
                return true;
            }
        }
        return queue.isEmpty();
    }

    private void discardInput()
    {
        final int available = ring.available();
        if (available > 0 && queue.hasRoomFor(1))
        {
            ring.advance(available);
            queue.offerRelease(ring.framePosition());
            queue.drain(pdvHandler, Integer.MAX_VALUE);
        }
    }

    /**
     * Counts the PDVs of a P-DATA-TF, checking each as it goes. Where the PDVs will be delivered (Sta6, and Sta7 by
     * AR-6), a PDV's Presentation-context-ID must name a context accepted for this association: it is a parameter of
     * the PDU (PS3.8 Table 9-23) and presentation contexts are this layer's business, so one that names no accepted
     * context is an invalid PDU (Evt19) answered by AA-8, A-ABORT source service-provider, reason
     * invalid-PDU-parameter value, before any PDV of the PDU reaches the layer above.
     */
    private int countPdvs(final int offset, final int length)
    {
        final boolean delivered = machine.state() == State.STA6 || machine.state() == State.STA7;
        pDataDecoder.wrap(ring.buffer(), offset, length);
        int count = 0;
        while (pDataDecoder.nextPdv())
        {
            if (delivered && transferSyntax(pDataDecoder.contextId()) == null)
            {
                throw contextNotAccepted(pDataDecoder.contextId());
            }
            count++;
        }
        return count;
    }

    private static ProtocolException contextNotAccepted(final int contextId)
    {
        return new ProtocolException(AbortReason.INVALID_PDU_PARAMETER_VALUE,
            "PDV on presentation context " + contextId + ", which was not accepted");
    }

    private void handlePdu(final int offset, final int length, final long position)
    {
        final DirectBuffer buffer = ring.buffer();
        pduOffset = offset;
        pduLength = length;
        pduPosition = position;
        final int type = PduDescriptor.pduType(buffer, offset);
        if (LOG.isTraceEnabled())
        {
            LOG.trace("{}: received {} ({} bytes) in {}", name, PduDescriptor.name(type), length, machine.state());
        }
        try
        {
            switch (type)
            {
                case PduDescriptor.P_DATA_TF:
                    machine.handle(Event.EVT10);
                    break;

                case PduDescriptor.A_ASSOCIATE_RQ:
                    associateDecoder.decode(buffer, offset, length, request);
                    machine.handle(Event.EVT6);
                    break;

                case PduDescriptor.A_ASSOCIATE_AC:
                    associateDecoder.decode(buffer, offset, length, accept);
                    machine.handle(Event.EVT3);
                    break;

                case PduDescriptor.A_ASSOCIATE_RJ:
                    rejectCode = AcceptorPolicy.reject(FixedPduCodec.rejectResult(buffer, offset),
                        FixedPduCodec.rejectSource(buffer, offset), FixedPduCodec.rejectReason(buffer, offset));
                    machine.handle(Event.EVT4);
                    break;

                case PduDescriptor.A_RELEASE_RQ:
                    machine.handle(Event.EVT12);
                    break;

                case PduDescriptor.A_RELEASE_RP:
                    machine.handle(Event.EVT13);
                    break;

                case PduDescriptor.A_ABORT:
                    abortSource = FixedPduCodec.abortSource(buffer, offset);
                    abortReason = FixedPduCodec.abortReason(buffer, offset);
                    machine.handleAbortPdu(abortSource);
                    break;

                default:
                    throw new ProtocolException(AbortReason.UNRECOGNIZED_PDU, PduDescriptor.name(type));
            }
        }
        catch (final ProtocolException ex)
        {
            invalidPdu(ex);
            return;
        }
        runPendingPrimitive();
    }

    private void invalidPdu(final ProtocolException ex)
    {
        if (failure == null)
        {
            failure = ex.getMessage();
        }
        // AA-1 in Sta2 sends source service-user, reason 0, whatever the fault: say what is sent
        LOG.warn("{}: protocol error in {}: {}; aborting ({})", name, machine.state().label(), ex.getMessage(),
            machine.state() == State.STA2 ? AbortReason.describe(AbortReason.SOURCE_SERVICE_USER, 0) :
            AbortReason.describe(AbortReason.SOURCE_SERVICE_PROVIDER, ex.abortReason()));
        machine.handleInvalidPdu(ex.abortReason());
        runPendingPrimitive();
    }

    private void runPendingPrimitive()
    {
        final Primitive primitive = pendingPrimitive;
        pendingPrimitive = null;
        if (primitive != null)
        {
            deliver(primitive);
        }
        if (!closed && channel != null && (finishAfterAction || machine.state() == State.STA1))
        {
            finish();
        }
    }

    private void deliver(final Primitive primitive)
    {
        switch (primitive)
        {
            case A_ASSOCIATE_INDICATION:
                answerAssociateRequest();
                break;

            case A_ASSOCIATE_CONFIRM_ACCEPT:
                acseDeadlineNs = 0;
                established();
                break;

            case A_ASSOCIATE_CONFIRM_REJECT:
                acseDeadlineNs = 0;
                outcome = Outcome.REJECTED;
                failure = "association rejected: " + FixedPduCodec.describeReject(
                    rejectCode >>> 16, (rejectCode >>> 8) & 0xFF, rejectCode & 0xFF);
                LOG.info("{}: {}", name, failure);
                break;

            case P_DATA_INDICATION:
                deliverPdvs();
                break;

            case A_RELEASE_INDICATION:
                listener.onReleaseRequested(this);
                break;

            case A_RELEASE_CONFIRM:
                acseDeadlineNs = 0;
                if (outcome == Outcome.OPEN)
                {
                    outcome = Outcome.RELEASED;
                }
                if (machine.state() == State.STA12)
                {
                    // release collision, acceptor side: we answer once our own release is confirmed
                    releaseResponse();
                }
                break;

            case A_ABORT_INDICATION:
                outcome = Outcome.ABORTED_BY_PEER;
                failure = "association aborted by the peer";
                LOG.info("{}: A-ABORT received ({})", name, AbortReason.describe(abortSource, abortReason));
                break;

            case A_P_ABORT_INDICATION:
                if (outcome == Outcome.OPEN)
                {
                    outcome = Outcome.PROVIDER_ABORT;
                }
                if (failure == null)
                {
                    failure = "association aborted by the provider";
                }
                break;

            default:
                break;
        }
    }

    /**
     * Makes this acceptor reject whatever is requested, e.g. because a local limit is exceeded.
     *
     * @param result A-ASSOCIATE-RJ result.
     * @param source A-ASSOCIATE-RJ source.
     * @param reason A-ASSOCIATE-RJ reason/diag.
     */
    public void rejectAll(final int result, final int source, final int reason)
    {
        forcedReject = AcceptorPolicy.reject(result, source, reason);
    }

    private int forcedReject;

    private void answerAssociateRequest()
    {
        final int decision;
        try
        {
            decision = forcedReject != 0 ? forcedReject : policy.negotiate(request, accept);
        }
        catch (final RuntimeException ex)
        {
            LOG.error("{}: association negotiation failed", name, ex);
            rejectCode = AcceptorPolicy.reject(FixedPduCodec.REJECTED_TRANSIENT, FixedPduCodec.REJECT_SOURCE_ACSE,
                FixedPduCodec.REJECT_NO_REASON);
            machine.handle(Event.EVT8);
            return;
        }
        if (decision != 0)
        {
            rejectCode = decision;
            outcome = Outcome.REJECTED;
            failure = "rejected: " + FixedPduCodec.describeReject(decision >>> 16, (decision >>> 8) & 0xFF,
                decision & 0xFF);
            LOG.info("{}: A-ASSOCIATE-RQ from {} to {} {}", name, request.callingAeTitle(), request.calledAeTitle(),
                failure);
            machine.handle(Event.EVT8);
            return;
        }
        machine.handle(Event.EVT7);
        established();
    }

    private void established()
    {
        final AssociatePdu ac = accept;
        for (final AssociatePdu.PresentationContext pc : request.presentationContexts())
        {
            final AssociatePdu.PresentationContext result = ac.presentationContext(pc.id());
            if (result != null && result.isAccepted() && pc.id() > 0 && pc.id() < MAX_CONTEXTS)
            {
                contextAbstractSyntax[pc.id()] = pc.abstractSyntax();
                contextTransferSyntax[pc.id()] = result.transferSyntax();
            }
        }
        final long peerMax = requestor ? ac.maxLength() : request.maxLength();
        peerMaxPduLength = (int)(peerMax == 0 ? settings.maxSendPduLength() :
            Math.min(peerMax, settings.maxSendPduLength()));
        if (peerMaxPduLength < 8)
        {
            peerMaxPduLength = settings.maxSendPduLength();
        }
        framer.limits(requestor ? request.maxLength() : ac.maxLength(), settings.maxAssociatePduLength());
        send.ensureCapacity(2 * (peerMaxPduLength + 6));
        established = true;
        if (LOG.isDebugEnabled())
        {
            LOG.debug("{}: association established: {} -> {}, max PDU send {} receive {}", name,
                request.callingAeTitle(), request.calledAeTitle(), peerMaxPduLength, settings.maxPduLength());
        }
        listener.onEstablished(this);
    }

    private void deliverPdvs()
    {
        final DirectBuffer buffer = ring.buffer();
        final long pduEnd = pduPosition + pduLength;
        pDataDecoder.wrap(buffer, pduOffset, pduLength);
        boolean more = pDataDecoder.nextPdv();
        while (more)
        {
            final int contextId = pDataDecoder.contextId();
            final int controlHeader = pDataDecoder.controlHeader();
            final long fragment = pduPosition + (pDataDecoder.fragmentOffset() - pduOffset);
            final int fragmentLength = pDataDecoder.fragmentLength();
            more = pDataDecoder.nextPdv();
            queue.offerPdv(contextId, controlHeader, fragment, fragmentLength, more ? 0 : pduEnd);
        }
        published = true;
    }

    private void onQueuedPdv(final int contextId, final int controlHeader, final DirectBuffer buffer,
        final int offset, final int length)
    {
        if (!closed)
        {
            listener.onPdv(this, contextId, controlHeader, buffer, offset, length);
        }
    }

    private int checkTimers()
    {
        if (artimDeadlineNs != 0 && nowNs - artimDeadlineNs >= 0)
        {
            artimDeadlineNs = 0;
            LOG.info("{}: ARTIM expired in {}", name, machine.state().label());
            if (failure == null)
            {
                failure = "ARTIM timer expired in " + machine.state().label();
            }
            machine.handle(Event.EVT18);
            runPendingPrimitive();
            return 1;
        }
        if (acseDeadlineNs != 0 && nowNs - acseDeadlineNs >= 0)
        {
            acseDeadlineNs = 0;
            failure = "ACSE timeout in " + machine.state().label() + " (" + machine.state().description() + ")";
            LOG.info("{}: {}; aborting", name, failure);
            abort();
            return 1;
        }
        if (pduStartNs != 0 && settings.pduTimeoutNs() > 0 && established && machine.state() == State.STA6 &&
            nowNs - pduStartNs > settings.pduTimeoutNs())
        {
            pduDeadlineExpired();
            return 1;
        }
        if (settings.idleTimeoutNs() > 0 && established && machine.state() == State.STA6 &&
            nowNs - lastReceiveNs > settings.idleTimeoutNs())
        {
            failure = "network idle timeout";
            LOG.info("{}: nothing received for {} ms; aborting", name, settings.idleTimeoutNs() / 1_000_000);
            abort();
            return 1;
        }
        if (settings.writeStallTimeoutNs() > 0 && !isSendIdle() && machine.state() != State.STA13)
        {
            return checkWriteStall();
        }
        return 0;
    }

    /**
     * A PDU began to arrive and did not complete within the deadline: a peer trickling bytes. A-ABORT with source
     * service-provider and reason-not-specified (PS3.8 Table 9-26): the PDU is not malformed, and none of the
     * specific reasons (unrecognized or unexpected PDU or parameter, invalid parameter value) describes a peer that
     * is too slow, so the generic reason is the honest one. What follows on the stream is dropped unread, as after
     * an unframeable PDU, and ARTIM then bounds the wait for the peer to close (AA-8, Sta13).
     */
    private void pduDeadlineExpired()
    {
        final int received = ring.available();
        final int expected = received >= PduDescriptor.HEADER_LENGTH ?
            (int)Math.min(Integer.MAX_VALUE, PduDescriptor.pduLength(ring.buffer(), ring.frameOffset()) + 6) : -1;
        pduStartNs = 0;
        failure = "PDU not complete within the " + settings.pduTimeoutNs() / 1_000_000 + " ms PDU deadline (" +
            received + (expected < 0 ? "" : " of " + expected) + " bytes received)";
        LOG.warn("{}: {}; aborting ({})", name, failure,
            AbortReason.describe(AbortReason.SOURCE_SERVICE_PROVIDER, AbortReason.NOT_SPECIFIED));
        unframeable = true;
        discardInput();
        machine.handleInvalidPdu(AbortReason.NOT_SPECIFIED);
        runPendingPrimitive();
    }

    /**
     * The layer above's own work ({@link AssociationListener#onIdle}); what it produced is flushed at once. While it
     * keeps working, write interest stays on so that the loop comes back next cycle (the socket is writable) even
     * when everything was flushed; once it is idle, interest follows the send buffer again.
     */
    private int idle() throws IOException
    {
        final int idleWork = listener.onIdle(this);
        if (idleWork == 0 || closed)
        {
            if (!closed && writeInterest && send.isEmpty() && selectionKey != null && selectionKey.isValid())
            {
                writeInterest = false;
                selectionKey.interestOps(interestOps());
            }
            return 0;
        }
        final int n = send.isEmpty() ? 0 : flush();
        if (!writeInterest && selectionKey != null && selectionKey.isValid())
        {
            writeInterest = true;
            selectionKey.interestOps(interestOps());
        }
        return idleWork + n;
    }

    /**
     * Writes what is pending. While more than half the send buffer waits (a peer that does not read), reading stops
     * (see {@link #duty()}), and so does read interest: the selector is level-triggered, and unread input would
     * otherwise wake the loop on every cycle to do nothing.
     */
    private int flush() throws IOException
    {
        int n = send.flush(channel);
        if (tls != null)
        {
            n += tls.flushPending();
        }
        if (n > 0)
        {
            sendStallSinceNs = 0;
        }
        final boolean pending = !isSendIdle();
        final boolean paused = send.pending() > send.capacity() / 2;
        if ((pending != writeInterest || paused != readPaused) && selectionKey != null && selectionKey.isValid())
        {
            writeInterest = pending;
            readPaused = paused;
            selectionKey.interestOps(interestOps());
        }
        return n;
    }

    private int interestOps()
    {
        return (readPaused ? 0 : SelectionKey.OP_READ) | (writeInterest ? SelectionKey.OP_WRITE : 0);
    }

    /**
     * Output is waiting: starts the write-stall clock at the first timer check after the last progress, and ends an
     * association whose peer has taken none of it for the timeout. An A-ABORT that cannot be written either will not
     * reach it, so then the connection is closed at once instead of waiting for ARTIM.
     */
    private int checkWriteStall()
    {
        if (sendStallSinceNs == 0)
        {
            sendStallSinceNs = nowNs == 0 ? 1 : nowNs;
            return 0;
        }
        if (nowNs - sendStallSinceNs <= settings.writeStallTimeoutNs())
        {
            return 0;
        }
        failure = "write-stall timeout: the peer took none of our output for " +
            settings.writeStallTimeoutNs() / 1_000_000 + " ms";
        LOG.warn("{}: {} ({} bytes waiting in {}); aborting", name, failure, send.pending(),
            machine.state().label());
        abort();
        if (!closed && !send.isEmpty())
        {
            close();
        }
        return 1;
    }

    private void transportClosed()
    {
        if (failure == null && machine.state() != State.STA13)
        {
            failure = "connection closed by the peer in " + machine.state().label();
        }
        if (outcome == Outcome.OPEN && machine.state() != State.STA13)
        {
            outcome = Outcome.CONNECTION_LOST;
        }
        machine.handle(Event.EVT17);
        finishAfterAction = true;
        runPendingPrimitive();
    }

    private void finish()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        if (!requestor && established)
        {
            policy.released(request.callingAeTitle()); // frees its place under the per-calling-AE limit
        }
        try
        {
            if (channel != null)
            {
                channel.close();
            }
        }
        catch (final IOException ex)
        {
            LOG.debug("{}: close failed: {}", name, ex.toString());
        }
        if (outcome == Outcome.OPEN)
        {
            outcome = Outcome.CONNECTION_LOST;
        }
        try
        {
            listener.onClosed(this);
        }
        finally
        {
            if (work == 0)
            {
                freeBuffers();
            }
        }
    }

    private void freeBuffers()
    {
        if (ring != null)
        {
            queue.close();
            ring.close();
            send.close();
            ring = null;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Local user primitives
    // ---------------------------------------------------------------------------------------------------------

    /**
     * Claims room in the send buffer for a P-DATA-TF of up to {@code maxLength} bytes (header included) and
     * starts encoding it; the caller adds PDVs through the returned encoder and then calls {@link #sendPData()}.
     *
     * @param maxLength room needed, at most the peer's maximum PDU length plus 6.
     * @return the encoder positioned at the PDU, or null when the send buffer has no room until a flush.
     */
    public PDataEncoder claimPData(final int maxLength)
    {
        final int offset = send.claim(maxLength);
        if (offset < 0)
        {
            return null;
        }
        pDataClaimOffset = offset;
        pDataClaimLength = maxLength;
        return pDataEncoder.wrap(send.buffer(), offset);
    }

    /**
     * Sends the P-DATA-TF encoded after {@link #claimPData(int)} (P-DATA request, Evt9).
     *
     * @throws IllegalStateException if the association is not in a state that allows P-DATA.
     */
    public void sendPData()
    {
        if (pDataClaimOffset < 0)
        {
            throw new IllegalStateException("sendPData() without claimPData()");
        }
        if (pDataEncoder.encodedLength() > pDataClaimLength)
        {
            throw new IllegalStateException("P-DATA-TF of " + pDataEncoder.encodedLength() +
                " bytes overran its claim of " + pDataClaimLength);
        }
        try
        {
            machine.handle(Event.EVT9);
        }
        finally
        {
            pDataClaimOffset = -1;
        }
    }

    /**
     * Asks the peer to release the association (A-RELEASE request, Evt11); the caller drives {@link #doWork}
     * until {@link #isClosed()}.
     */
    public void release()
    {
        machine.handle(Event.EVT11);
        acseDeadlineNs = nowNs + settings.acseTimeoutNs();
    }

    /** Answers the peer's release request (A-RELEASE response, Evt14). */
    public void releaseResponse()
    {
        machine.handle(Event.EVT14);
        if (machine.state() == State.STA11)
        {
            acseDeadlineNs = nowNs + settings.acseTimeoutNs();
        }
    }

    /**
     * Aborts the association (A-ABORT request, Evt15): sends A-ABORT (service-user) and waits, with ARTIM, for
     * the peer to close; in Sta4 just closes the connection.
     */
    public void abort()
    {
        if (closed || machine.state() == State.STA1 || machine.state() == State.STA13)
        {
            return;
        }
        if (machine.state() == State.STA2)
        {
            close(); // no A-ASSOCIATE-RQ yet: nothing to abort at the protocol level (Evt15 is blank in Sta2)
            return;
        }
        if (outcome == Outcome.OPEN)
        {
            outcome = Outcome.ABORTED_LOCALLY;
        }
        machine.handle(Event.EVT15);
        runPendingPrimitive();
    }

    /** Closes the connection and frees the buffers at once, whatever the state; idempotent. */
    @Override
    public void close()
    {
        if (!closed)
        {
            if (outcome == Outcome.OPEN)
            {
                outcome = Outcome.ABORTED_LOCALLY;
            }
            finish();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // DulActionHandler: the side effects of the state machine's actions
    // ---------------------------------------------------------------------------------------------------------

    /** {@inheritDoc} */
    @Override
    public void openTransport()
    {
        SocketChannel ch = null;
        try
        {
            ch = SocketChannel.open();
            ch.socket().connect(pendingAddress, (int)Math.min(Integer.MAX_VALUE, settings.connectTimeoutMs()));
            attach(ch);
        }
        catch (final IOException ex)
        {
            failure = "cannot connect to " + pendingAddress + ": " + ex.getMessage();
            if (ch != null)
            {
                try
                {
                    ch.close();
                }
                catch (final IOException ignore)
                {
                    // nothing more to do
                }
            }
            channel = null;
        }
    }

    /** {@inheritDoc} */
    @Override
    public void closeTransport()
    {
        finishAfterAction = true;
    }

    private boolean finishAfterAction;

    /** {@inheritDoc} */
    @Override
    public void sendPdu(final int pduType)
    {
        final MutableDirectBuffer buffer = send.buffer();
        switch (pduType)
        {
            case PduDescriptor.A_ASSOCIATE_RQ:
            {
                send.ensureCapacity(send.pending() + AssociateEncoder.encodedLength(request));
                final int offset = claimOrFail(AssociateEncoder.encodedLength(request));
                send.commit(associateEncoder.encode(request, buffer, offset));
                break;
            }
            case PduDescriptor.A_ASSOCIATE_AC:
            {
                send.ensureCapacity(send.pending() + AssociateEncoder.encodedLength(accept));
                final int offset = claimOrFail(AssociateEncoder.encodedLength(accept));
                send.commit(associateEncoder.encode(accept, buffer, offset));
                break;
            }
            case PduDescriptor.A_ASSOCIATE_RJ:
            {
                final int offset = claimOrFail(PduDescriptor.FIXED_PDU_LENGTH);
                send.commit(FixedPduCodec.encodeAssociateReject(buffer, offset, rejectCode >>> 16,
                    (rejectCode >>> 8) & 0xFF, rejectCode & 0xFF));
                break;
            }
            case PduDescriptor.P_DATA_TF:
                send.commit(pDataEncoder.encodedLength());
                if (coalescing)
                {
                    return;
                }
                break;

            case PduDescriptor.A_RELEASE_RQ:
                send.commit(FixedPduCodec.encodeReleaseRq(buffer, claimOrFail(PduDescriptor.FIXED_PDU_LENGTH)));
                break;

            case PduDescriptor.A_RELEASE_RP:
                send.commit(FixedPduCodec.encodeReleaseRp(buffer, claimOrFail(PduDescriptor.FIXED_PDU_LENGTH)));
                break;

            default:
                throw new IllegalArgumentException("not a PDU this side sends: " + pduType);
        }
        tryFlush();
    }

    /** {@inheritDoc} */
    @Override
    public void sendAbort(final int source, final int reason)
    {
        final int offset = send.claim(PduDescriptor.FIXED_PDU_LENGTH);
        if (offset < 0)
        {
            send.clear(); // the association is over: what was queued no longer matters
        }
        send.commit(FixedPduCodec.encodeAbort(send.buffer(), Math.max(offset, 0), source, reason));
        tryFlush();
    }

    private int claimOrFail(final int length)
    {
        final int offset = send.claim(length);
        if (offset < 0)
        {
            throw new IllegalStateException("send buffer full: " + send.pending() + " bytes pending");
        }
        return offset;
    }

    private void tryFlush()
    {
        if (channel == null || closed)
        {
            return;
        }
        try
        {
            flush();
        }
        catch (final IOException ex)
        {
            LOG.debug("{}: write failed: {}", name, ex.toString());
            tlsFailure(ex);
            send.clear();
        }
    }

    /** {@inheritDoc} */
    @Override
    public void startArtim()
    {
        artimDeadlineNs = nowNs + settings.acseTimeoutNs();
        if (artimDeadlineNs == 0)
        {
            artimDeadlineNs = 1;
        }
    }

    /** {@inheritDoc} */
    @Override
    public void stopArtim()
    {
        artimDeadlineNs = 0;
    }

    /** {@inheritDoc} */
    @Override
    public boolean isAssociateRequestAcceptable()
    {
        if ((request.protocolVersion() & PduDescriptor.PROTOCOL_VERSION) == 0)
        {
            rejectCode = AcceptorPolicy.reject(FixedPduCodec.REJECTED_PERMANENT, FixedPduCodec.REJECT_SOURCE_ACSE,
                FixedPduCodec.REJECT_PROTOCOL_VERSION_NOT_SUPPORTED);
            outcome = Outcome.REJECTED;
            failure = "protocol version 0x" + Integer.toHexString(request.protocolVersion()) + " not supported";
            LOG.info("{}: A-ASSOCIATE-RQ rejected: {}", name, failure);
            return false;
        }
        return true;
    }

    /** {@inheritDoc} */
    @Override
    public void indicate(final Primitive primitive)
    {
        pendingPrimitive = primitive;
    }

    // ---------------------------------------------------------------------------------------------------------
    // What was negotiated
    // ---------------------------------------------------------------------------------------------------------

    /** @return true for the association-requestor side. */
    public boolean isRequestor()
    {
        return requestor;
    }

    /** @return the DUL state. */
    public State state()
    {
        return machine.state();
    }

    /** @return true once established (it may have ended since). */
    public boolean isEstablished()
    {
        return established;
    }

    /** @return true once the connection is closed and the buffers freed. */
    public boolean isClosed()
    {
        return closed;
    }

    /** @return how the association ended, or {@link Outcome#OPEN}. */
    public Outcome outcome()
    {
        return outcome;
    }

    /** @return a sentence on why the association failed or ended abnormally, or null. */
    public String failure()
    {
        return failure;
    }

    /** @return the A-ASSOCIATE-RQ (sent or received). */
    public AssociatePdu associateRequest()
    {
        return request;
    }

    /** @return the A-ASSOCIATE-AC (sent or received). */
    public AssociatePdu associateAccept()
    {
        return accept;
    }

    /** @return the packed A-ASSOCIATE-RJ (result, source, reason) received or sent, 0 if none. */
    public int rejectCode()
    {
        return rejectCode;
    }

    /** @return the largest P-DATA-TF PDU-length we may send. */
    public int maxSendPduLength()
    {
        return peerMaxPduLength;
    }

    /**
     * @param contextId a presentation context ID.
     * @return its accepted transfer syntax, or null if not accepted.
     */
    public String transferSyntax(final int contextId)
    {
        return contextId > 0 && contextId < MAX_CONTEXTS ? contextTransferSyntax[contextId] : null;
    }

    /**
     * @param contextId a presentation context ID.
     * @return its abstract syntax when accepted, or null.
     */
    public String abstractSyntax(final int contextId)
    {
        return contextId > 0 && contextId < MAX_CONTEXTS ? contextAbstractSyntax[contextId] : null;
    }

    /**
     * @param abstractSyntax a SOP class UID.
     * @return the ID of the first accepted context for it, or -1.
     */
    public int contextIdFor(final String abstractSyntax)
    {
        for (int id = 1; id < MAX_CONTEXTS; id += 2)
        {
            if (abstractSyntax.equals(contextAbstractSyntax[id]))
            {
                return id;
            }
        }
        return -1;
    }

    /** @return the send buffer a P-DATA-TF claimed by {@link #claimPData(int)} is encoded into. */
    public MutableDirectBuffer sendBufferForPData()
    {
        return send.buffer();
    }

    /**
     * Reads file bytes straight into room claimed by {@link #claimPData(int)}, behind a PDV header.
     *
     * @param file     the source.
     * @param position file position.
     * @param offset   offset in {@link #sendBufferForPData()} to read to.
     * @param length   bytes wanted.
     * @return bytes read, -1 at end of file.
     * @throws IOException from the file.
     */
    public int readIntoPData(final java.nio.channels.FileChannel file, final long position, final int offset,
        final int length) throws IOException
    {
        return send.read(file, position, offset, length);
    }

    /** @return bytes committed to the send buffer and not yet written to the socket. */
    public int pendingSendBytes()
    {
        return (send == null ? 0 : send.pending()) + (tls == null ? 0 : tls.pendingOutputBytes());
    }

    /** @return capacity of the send buffer, 0 once freed. */
    public int sendBufferCapacity()
    {
        return send == null ? 0 : send.capacity();
    }

    /**
     * Whether a service that produces output on its own (C-FIND responses, C-GET sub-operations, DIMSE-N messages)
     * may start another PDU: while at most a quarter of the send buffer waits. Reading stops while more than half
     * waits, so a burst started below a quarter always follows a duty cycle that read the peer's input, and a
     * C-CANCEL from a peer that takes our output slowly is still seen between responses.
     *
     * @return true when the service side may queue more output now.
     */
    public boolean mayProduce()
    {
        return send != null && send.pending() <= send.capacity() / 4;
    }

    /** @return the largest P-DATA-TF PDU we send: the peer's Maximum Length, capped by our own send limit. */
    public int peerMaxPduLength()
    {
        return peerMaxPduLength;
    }

    /** @return true when nothing is waiting to be sent: the send buffer is empty and so is TLS's own output. */
    public boolean isSendIdle()
    {
        return (send == null || send.isEmpty()) && (tls == null || !tls.hasPendingOutput());
    }

    /** @return a short name for log lines: the peer's address. */
    public String name()
    {
        return name;
    }

    /**
     * @param listener the layer above, replacing the one given at creation.
     */
    public void listener(final AssociationListener listener)
    {
        this.listener = listener;
    }

    /** {@inheritDoc} */
    @Override
    public String toString()
    {
        return "Association[" + name + ", " + machine.state().label() + ", " + outcome + "]";
    }

    private static void copy(final AssociatePdu from, final AssociatePdu to)
    {
        to.clear().pduType(from.pduType()).protocolVersion(from.protocolVersion())
            .calledAeTitle(from.calledAeTitle()).callingAeTitle(from.callingAeTitle())
            .applicationContextName(from.applicationContextName()).maxLength(from.maxLength())
            .implementationClassUid(from.implementationClassUid())
            .implementationVersionName(from.implementationVersionName())
            .userIdentity(from.userIdentity());
        if (from.hasAsyncOperationsWindow())
        {
            to.asyncOperationsWindow(from.maxOperationsInvoked(), from.maxOperationsPerformed());
        }
        to.presentationContexts().addAll(from.presentationContexts());
        to.roleSelections().addAll(from.roleSelections());
        to.extendedNegotiations().addAll(from.extendedNegotiations());
        to.commonExtendedNegotiations().addAll(from.commonExtendedNegotiations());
    }
}
