package org.dimse4j.dimse;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.dimse4j.pdu.AbortReason;
import org.dimse4j.pdu.ProtocolException;
import org.dimse4j.ul.Association;

import java.nio.ByteBuffer;

/**
 * The pull side of the DIMSE provider, for callers who want pynetdicom's {@code get_msg()} / {@code peek_msg()}
 * rather than a {@link DimseHandler}: each complete message — command set, and its data set gathered whole — is
 * copied into an off-heap Agrona {@link OneToOneRingBuffer}, one record per message, from which
 * {@link #getMsg()} takes the oldest into a {@link ReceivedMessage} that stays valid until the next call.
 * <p>
 * This is the convenient path, and it copies: the zero-copy path hands fragments to a {@link DimseHandler} (and a
 * data set to a sink) as they arrive. Data sets larger than the configured limit abort the association rather
 * than grow without bound. Producer and consumer may be different threads (one each).
 */
public final class MessageQueue implements DimseHandler, AutoCloseable
{
    private static final int HEADER = 8; // command length (4), data set length (4) - 1 when none

    private final java.nio.ByteBuffer memory;
    private final OneToOneRingBuffer ring;
    private final int maxMessageLength;
    private final ExpandableDirectByteBuffer assembly = new ExpandableDirectByteBuffer(4096);
    private final ExpandableDirectByteBuffer taken = new ExpandableDirectByteBuffer(4096);
    private final ReceivedMessage message = new ReceivedMessage();
    private final MessageHandler take = this::take;
    private final CommandDecoder peekView = new CommandDecoder();
    private final org.agrona.concurrent.ControlledMessageHandler peek = this::peek;
    private int commandLength;
    private int dataSetLength;
    private int contextId;
    private boolean assembling;
    private int peekedContextId;
    private int peekedCommandField;

    /**
     * @param capacity         bytes of the queue, a power of two.
     * @param maxMessageLength largest command plus data set accepted.
     */
    public MessageQueue(final int capacity, final int maxMessageLength)
    {
        this.memory = ByteBuffer.allocateDirect(capacity + RingBufferDescriptor.TRAILER_LENGTH);
        this.ring = new OneToOneRingBuffer(new UnsafeBuffer(memory));
        this.maxMessageLength = Math.min(maxMessageLength, ring.maxMsgLength() - HEADER);
    }

    /** {@inheritDoc} */
    @Override
    public void onCommand(final DimseProvider provider, final Association association, final int contextId,
        final CommandDecoder command)
    {
        this.contextId = contextId;
        commandLength = command.encodedLength();
        dataSetLength = -1;
        assembly.putBytes(HEADER, command.buffer(), command.offset(), commandLength);
        if (command.hasDataSet())
        {
            assembling = true;
            dataSetLength = 0;
        }
        else
        {
            publish(association);
        }
    }

    /** {@inheritDoc} */
    @Override
    public void onDataSetFragment(final DimseProvider provider, final Association association, final int contextId,
        final DirectBuffer buffer, final int offset, final int length, final boolean last)
    {
        if (!assembling)
        {
            return;
        }
        if ((long)HEADER + commandLength + dataSetLength + length > maxMessageLength)
        {
            assembling = false;
            throw new ProtocolException(AbortReason.NOT_SPECIFIED, "a data set of more than " + maxMessageLength +
                " bytes does not fit the message queue: hand large data sets to a DimseHandler sink");
        }
        assembly.putBytes(HEADER + commandLength + dataSetLength, buffer, offset, length);
        dataSetLength += length;
        if (last)
        {
            assembling = false;
            publish(association);
        }
    }

    private void publish(final Association association)
    {
        assembly.putInt(0, commandLength);
        assembly.putInt(4, dataSetLength);
        final int length = HEADER + commandLength + Math.max(0, dataSetLength);
        if (!ring.write(contextId, assembly, 0, length))
        {
            throw new ProtocolException(AbortReason.NOT_SPECIFIED,
                "message queue full: the receiving application does not keep up");
        }
    }

    /**
     * Takes the oldest complete message.
     *
     * @return the message (valid until the next call), or null if none is waiting.
     */
    public ReceivedMessage getMsg()
    {
        message.present = false;
        ring.read(take, 1);
        return message.present ? message : null;
    }

    /**
     * Looks at the oldest complete message without taking it.
     *
     * @return its command field, or -1 if none is waiting; {@link #peekedContextId()} then says its context.
     */
    public int peekMsg()
    {
        peekedCommandField = -1;
        ring.controlledRead(peek, 1);
        return peekedCommandField;
    }

    /** @return the presentation context of the message last seen by {@link #peekMsg()}. */
    public int peekedContextId()
    {
        return peekedContextId;
    }

    /** Frees the queue's off-heap memory; call when neither side uses it any more. */
    @Override
    public void close()
    {
        org.agrona.BufferUtil.free(memory);
        org.agrona.BufferUtil.free(assembly.byteBuffer());
        org.agrona.BufferUtil.free(taken.byteBuffer());
    }

    /** @return true when no complete message waits. */
    public boolean isEmpty()
    {
        return ring.size() == 0;
    }

    private void take(final int type, final MutableDirectBuffer buffer, final int index, final int length)
    {
        taken.putBytes(0, buffer, index, length);
        message.wrap(type, taken, taken.getInt(0), taken.getInt(4));
    }

    private org.agrona.concurrent.ControlledMessageHandler.Action peek(
        final int type, final MutableDirectBuffer buffer, final int index, final int length)
    {
        peekedContextId = type;
        peekedCommandField = peekView.wrap(buffer, index + HEADER, buffer.getInt(index)).commandField();
        return org.agrona.concurrent.ControlledMessageHandler.Action.ABORT; // leave it in the queue
    }

    /**
     * A message taken from the queue: its context, its command set (decoded in place) and its data set, if any.
     */
    public static final class ReceivedMessage
    {
        private final CommandDecoder command = new CommandDecoder();
        private DirectBuffer buffer;
        private int contextId;
        private int commandLength;
        private int dataSetLength;
        private boolean present;

        void wrap(final int contextId, final DirectBuffer buffer, final int commandLength, final int dataSetLength)
        {
            this.contextId = contextId;
            this.buffer = buffer;
            this.commandLength = commandLength;
            this.dataSetLength = dataSetLength;
            this.command.wrap(buffer, HEADER, commandLength);
            this.present = true;
        }

        /** @return the presentation context ID. */
        public int contextId()
        {
            return contextId;
        }

        /** @return the command set. */
        public CommandDecoder command()
        {
            return command;
        }

        /** @return true if a data set came with it. */
        public boolean hasDataSet()
        {
            return dataSetLength >= 0;
        }

        /** @return the buffer holding the data set, from {@link #dataSetOffset()}. */
        public DirectBuffer dataSetBuffer()
        {
            return buffer;
        }

        /** @return offset of the data set in {@link #dataSetBuffer()}. */
        public int dataSetOffset()
        {
            return HEADER + commandLength;
        }

        /** @return data set length, or -1 when there is none. */
        public int dataSetLength()
        {
            return dataSetLength;
        }
    }
}
