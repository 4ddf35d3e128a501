package org.dimse4j.ul;

import org.agrona.BitUtil;

import java.util.concurrent.TimeUnit;

/**
 * Per-association limits and timeouts, shared by the requestor and acceptor sides.
 * <p>
 * Each setting has a default; {@link #conclude()} checks them together and derives the buffer sizes. Mutable
 * until handed to an association, then treated as read-only.
 */
public final class AssociationSettings
{
    /** Default Maximum Length we announce for P-DATA-TF PDUs we receive (DCMTK's default). */
    public static final int DEFAULT_MAX_PDU_LENGTH = 16384;
    /** Largest Maximum Length we announce: the receive ring holds several PDUs of this size. */
    public static final int MAX_MAX_PDU_LENGTH = 16 * 1024 * 1024;
    /** Cap on PDUs we send when the peer announces no limit (0). */
    public static final int DEFAULT_MAX_SEND_PDU_LENGTH = 1024 * 1024;
    /** Largest A-ASSOCIATE-RQ/AC accepted: 128 contexts with many transfer syntaxes fit easily. */
    public static final int DEFAULT_MAX_ASSOCIATE_PDU_LENGTH = 256 * 1024;
    /** Default ARTIM and ACSE timeout (DCMTK's -ta default). */
    public static final long DEFAULT_ACSE_TIMEOUT_MS = 30_000;
    /** Default connect timeout. */
    public static final long DEFAULT_CONNECT_TIMEOUT_MS = 30_000;
    /**
     * Default per-PDU deadline: a 16 KiB PDU (the default Maximum Length) must arrive faster than ~270 B/s, a
     * 16 MiB one faster than ~280 KB/s.
     */
    public static final long DEFAULT_PDU_TIMEOUT_MS = 60_000;

    /** Default write-stall timeout: a peer that takes none of our output for a minute is not coming back. */
    public static final long DEFAULT_WRITE_STALL_TIMEOUT_MS = 60_000;

    private int maxPduLength = DEFAULT_MAX_PDU_LENGTH;
    private int maxSendPduLength = DEFAULT_MAX_SEND_PDU_LENGTH;
    private int maxAssociatePduLength = DEFAULT_MAX_ASSOCIATE_PDU_LENGTH;
    private long acseTimeoutNs = TimeUnit.MILLISECONDS.toNanos(DEFAULT_ACSE_TIMEOUT_MS);
    private long connectTimeoutMs = DEFAULT_CONNECT_TIMEOUT_MS;
    private long idleTimeoutNs;
    private long pduTimeoutNs = TimeUnit.MILLISECONDS.toNanos(DEFAULT_PDU_TIMEOUT_MS);
    private long writeStallTimeoutNs = TimeUnit.MILLISECONDS.toNanos(DEFAULT_WRITE_STALL_TIMEOUT_MS);
    private int receiveRingCapacity;
    private int sendBufferCapacity;
    private int socketBufferSize;
    private TlsSettings tls;

    /** @return the Maximum Length we announce: largest P-DATA-TF PDU-length we accept. */
    public int maxPduLength()
    {
        return maxPduLength;
    }

    /**
     * @param length Maximum Length to announce, 4096..16 MiB (DCMTK's own range starts at 4096).
     * @return this.
     */
    public AssociationSettings maxPduLength(final int length)
    {
        if (length < 4096 || length > MAX_MAX_PDU_LENGTH)
        {
            throw new IllegalArgumentException("max PDU length must be 4096.." + MAX_MAX_PDU_LENGTH + ": " + length);
        }
        this.maxPduLength = length;
        return this;
    }

    /** @return the cap on PDUs we send, applied on top of the peer's Maximum Length. */
    public int maxSendPduLength()
    {
        return maxSendPduLength;
    }

    /**
     * @param length cap on P-DATA-TF PDU-length we send, 4096..16 MiB.
     * @return this.
     */
    public AssociationSettings maxSendPduLength(final int length)
    {
        if (length < 4096 || length > MAX_MAX_PDU_LENGTH)
        {
            throw new IllegalArgumentException("max send PDU length must be 4096.." + MAX_MAX_PDU_LENGTH);
        }
        this.maxSendPduLength = length;
        return this;
    }

    /** @return the largest A-ASSOCIATE-RQ/AC PDU-length accepted. */
    public int maxAssociatePduLength()
    {
        return maxAssociatePduLength;
    }

    /** @return ARTIM and ACSE timeout in nanoseconds. */
    public long acseTimeoutNs()
    {
        return acseTimeoutNs;
    }

    /**
     * @param timeoutMs ARTIM (waiting for an A-ASSOCIATE-RQ, or for the peer to close) and ACSE timeout (waiting
     *                  for an A-ASSOCIATE-AC or A-RELEASE-RP), milliseconds, positive.
     * @return this.
     */
    public AssociationSettings acseTimeoutMs(final long timeoutMs)
    {
        if (timeoutMs <= 0)
        {
            throw new IllegalArgumentException("ACSE timeout must be positive: " + timeoutMs);
        }
        this.acseTimeoutNs = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        return this;
    }

    /** @return TCP connect timeout in milliseconds. */
    public long connectTimeoutMs()
    {
        return connectTimeoutMs;
    }

    /**
     * @param timeoutMs TCP connect timeout, milliseconds, positive.
     * @return this.
     */
    public AssociationSettings connectTimeoutMs(final long timeoutMs)
    {
        if (timeoutMs <= 0)
        {
            throw new IllegalArgumentException("connect timeout must be positive: " + timeoutMs);
        }
        this.connectTimeoutMs = timeoutMs;
        return this;
    }

    /** @return network idle timeout in nanoseconds; 0 = none. */
    public long idleTimeoutNs()
    {
        return idleTimeoutNs;
    }

    /**
     * @param timeoutMs abort an established association when nothing arrives for this long; 0 = never.
     * @return this.
     */
    public AssociationSettings idleTimeoutMs(final long timeoutMs)
    {
        if (timeoutMs < 0)
        {
            throw new IllegalArgumentException("idle timeout must not be negative: " + timeoutMs);
        }
        this.idleTimeoutNs = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        return this;
    }

    /** @return the per-PDU deadline in nanoseconds; 0 = none. */
    public long pduTimeoutNs()
    {
        return pduTimeoutNs;
    }

    /**
     * Once the first byte of a PDU has arrived on an established association, the whole PDU must arrive within
     * this time, or the association is aborted (A-ABORT, service-provider). This answers a peer that trickles a
     * PDU (a byte a second), which the idle timeout cannot see since bytes keep arriving. Time during which we,
     * not the peer, hold the PDU back (receive ring full, our own sends backed up) does not count.
     *
     * @param timeoutMs the deadline, milliseconds; 0 = none.
     * @return this.
     */
    public AssociationSettings pduTimeoutMs(final long timeoutMs)
    {
        if (timeoutMs < 0)
        {
            throw new IllegalArgumentException("PDU timeout must not be negative: " + timeoutMs);
        }
        this.pduTimeoutNs = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        return this;
    }

    /** @return write-stall timeout in nanoseconds; 0 = none. */
    public long writeStallTimeoutNs()
    {
        return writeStallTimeoutNs;
    }

    /**
     * @param timeoutMs abort the association when output is waiting and the peer has taken none of it for this
     *                  long (it stopped reading: the idle timeout does not see this, and our reads stop too once
     *                  our output backs up); 0 = never.
     * @return this.
     */
    public AssociationSettings writeStallTimeoutMs(final long timeoutMs)
    {
        if (timeoutMs < 0)
        {
            throw new IllegalArgumentException("write-stall timeout must not be negative: " + timeoutMs);
        }
        this.writeStallTimeoutNs = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        return this;
    }

    /**
     * @param size SO_RCVBUF/SO_SNDBUF in bytes; 0 leaves the platform default.
     * @return this.
     */
    public AssociationSettings socketBufferSize(final int size)
    {
        this.socketBufferSize = size;
        return this;
    }

    /** @return SO_RCVBUF/SO_SNDBUF, 0 = platform default. */
    public int socketBufferSize()
    {
        return socketBufferSize;
    }

    /**
     * @param tls TLS for every association (both sides), or null for plain TCP.
     * @return this.
     */
    public AssociationSettings tls(final TlsSettings tls)
    {
        this.tls = tls;
        return this;
    }

    /** @return TLS settings, or null for plain TCP. */
    public TlsSettings tls()
    {
        return tls;
    }

    /**
     * Derives buffer sizes: the receive ring holds four of the largest PDUs (and any A-ASSOCIATE PDU), rounded
     * up to a power of two; the send buffer holds two of the largest PDUs we send.
     *
     * @return this.
     */
    public AssociationSettings conclude()
    {
        final int largestFrame = Math.max(maxPduLength, maxAssociatePduLength) + 6;
        receiveRingCapacity = BitUtil.findNextPositivePowerOfTwo(Math.max(4 * (maxPduLength + 6), largestFrame));
        sendBufferCapacity = 64 * 1024;
        return this;
    }

    /** @return capacity of each association's receive ring. */
    public int receiveRingCapacity()
    {
        return receiveRingCapacity;
    }

    /**
     * @return initial capacity of each association's send buffer: enough for the association set-up; it grows to
     * two of the largest PDUs the peer accepts once that is negotiated.
     */
    public int sendBufferCapacity()
    {
        return sendBufferCapacity;
    }
}
