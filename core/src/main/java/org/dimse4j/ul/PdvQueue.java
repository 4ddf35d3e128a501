package org.dimse4j.ul;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.dimse4j.buffer.ReceiveRing;

import java.nio.ByteBuffer;

/**
 * The lock-free single-producer single-consumer queue between an association's I/O side and its service side
 * (what pynetdicom calls {@code msg_queue}): each received PDV becomes a fixed-size descriptor — context ID,
 * message control header, where its fragment lies in the {@link ReceiveRing}, its length — in an Agrona
 * {@link OneToOneRingBuffer}. No objects travel; nothing is allocated per PDV.
 * <pre>
 *  PDV record (24 bytes):  position (8) | length (4) | context ID (1) | control header (1) | pad (2) |
 *                          release position (8): end of its PDU when it is the PDU's last PDV, else 0
 *  RELEASE record (24 bytes): a PDU that carried no PDV for the consumer; release position only
 * </pre>
 * The consumer hands each PDV to a {@link Handler} and then releases the ring up to the PDU's end, so the producer
 * may reuse that memory. A full queue is back-pressure: the producer stops framing until there is room.
 */
public final class PdvQueue implements AutoCloseable
{
    /** Record type of a PDV descriptor. */
    public static final int PDV = 1;
    /** Record type that only releases ring memory. */
    public static final int RELEASE = 2;
    /** Payload length of every record. */
    public static final int RECORD_LENGTH = 24;

    private static final int POSITION_OFFSET = 0;
    private static final int LENGTH_OFFSET = 8;
    private static final int CONTEXT_ID_OFFSET = 12;
    private static final int CONTROL_HEADER_OFFSET = 13;
    private static final int RELEASE_OFFSET = 16;
    /** Record header plus payload, aligned as the ring buffer aligns records. */
    private static final int SLOT_LENGTH = 32;

    /**
     * Receives PDVs from {@link #drain}.
     */
    @FunctionalInterface
    public interface Handler
    {
        /**
         * @param contextId     presentation context ID.
         * @param controlHeader message control header.
         * @param buffer        the receive ring's buffer.
         * @param offset        of the fragment's first byte.
         * @param length        fragment length.
         */
        void onPdv(int contextId, int controlHeader, DirectBuffer buffer, int offset, int length);
    }

    private final ByteBuffer memory;
    private final OneToOneRingBuffer ring;
    private final ReceiveRing receiveRing;
    private final UnsafeBuffer records;
    private final MessageHandler dispatcher = this::dispatch;
    private Handler handler;

    /**
     * @param capacity    bytes of records, a power of two (each record takes 32).
     * @param receiveRing the ring the descriptors point into.
     */
    public PdvQueue(final int capacity, final ReceiveRing receiveRing)
    {
        this.memory = ByteBuffer.allocateDirect(capacity + RingBufferDescriptor.TRAILER_LENGTH);
        this.ring = new OneToOneRingBuffer(new UnsafeBuffer(memory));
        this.records = (UnsafeBuffer)ring.buffer();
        this.receiveRing = receiveRing;
    }

    /**
     * @param records how many records are about to be offered (producer).
     * @return true if that many fit now, whatever the consumer does meanwhile.
     */
    public boolean hasRoomFor(final int records)
    {
        return ring.capacity() - ring.size() >= (records + 1) * SLOT_LENGTH;
    }

    /**
     * Publishes one PDV (producer). Call {@link #hasRoomFor} for the whole PDU first.
     *
     * @param contextId       presentation context ID.
     * @param controlHeader   message control header.
     * @param position        ring position of the fragment's first byte.
     * @param length          fragment length.
     * @param releasePosition end of the PDU when this is its last PDV, else 0.
     * @return false if the queue was full (only when {@link #hasRoomFor} was not asked).
     */
    public boolean offerPdv(final int contextId, final int controlHeader, final long position, final int length,
        final long releasePosition)
    {
        final int index = ring.tryClaim(PDV, RECORD_LENGTH);
        if (index < 0)
        {
            return false;
        }
        final MutableDirectBuffer b = records;
        b.putLong(index + POSITION_OFFSET, position);
        b.putInt(index + LENGTH_OFFSET, length);
        b.putByte(index + CONTEXT_ID_OFFSET, (byte)contextId);
        b.putByte(index + CONTROL_HEADER_OFFSET, (byte)controlHeader);
        b.putLong(index + RELEASE_OFFSET, releasePosition);
        ring.commit(index);
        return true;
    }

    /**
     * Publishes the release of a PDU the consumer never sees (producer).
     *
     * @param releasePosition end of that PDU.
     * @return false if the queue was full.
     */
    public boolean offerRelease(final long releasePosition)
    {
        final int index = ring.tryClaim(RELEASE, RECORD_LENGTH);
        if (index < 0)
        {
            return false;
        }
        records.putLong(index + RELEASE_OFFSET, releasePosition);
        ring.commit(index);
        return true;
    }

    /**
     * Hands waiting PDVs to {@code handler} and releases their PDUs (consumer).
     *
     * @param handler receives each PDV; the fragment is valid only during the call.
     * @param limit   most records to take.
     * @return records taken.
     */
    public int drain(final Handler handler, final int limit)
    {
        this.handler = handler;
        return ring.read(dispatcher, limit);
    }

    /** @return true when no record waits. */
    public boolean isEmpty()
    {
        return ring.size() == 0;
    }

    private void dispatch(final int type, final MutableDirectBuffer buffer, final int index, final int length)
    {
        final long release = buffer.getLong(index + RELEASE_OFFSET);
        if (type == PDV)
        {
            final long position = buffer.getLong(index + POSITION_OFFSET);
            handler.onPdv(buffer.getByte(index + CONTEXT_ID_OFFSET) & 0xFF,
                buffer.getByte(index + CONTROL_HEADER_OFFSET) & 0xFF, receiveRing.buffer(),
                receiveRing.offset(position), buffer.getInt(index + LENGTH_OFFSET));
        }
        if (release != 0)
        {
            receiveRing.release(release);
        }
    }

    /** Frees the queue's memory; call when neither side uses it. */
    @Override
    public void close()
    {
        org.agrona.BufferUtil.free(memory);
    }
}
