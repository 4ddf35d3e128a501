package org.dimse4j.dimse;

import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.dimse4j.pdu.PDataEncoder;
import org.dimse4j.pdu.PduDescriptor;
import org.dimse4j.pdu.PdvDescriptor;
import org.dimse4j.pdu.ProtocolException;
import org.dimse4j.ul.Association;
import org.dimse4j.ul.AssociationListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * The DIMSE service provider of one association: reassembles command sets from PDVs, decodes them in place, routes
 * data set fragments to the {@link DimseHandler}, and sends commands fragmented to the peer's maximum PDU length.
 * <p>
 * A command that arrives in one PDV is decoded where it lies in the receive ring; a command split over several
 * PDVs (or PDUs) is gathered in a small off-heap buffer first. Data set fragments are never gathered: they go to
 * the handler as they arrive. A protocol fault (a data set PDV before its command, a PDV on a context that was not
 * accepted, fragments of one message on two contexts, a command that does not decode) aborts the association and
 * is logged once.
 */
public final class DimseProvider implements AssociationListener
{
    /** Largest command set accepted: far above any real one (they are a few hundred bytes). */
    public static final int MAX_COMMAND_LENGTH = 64 * 1024;
    /** C-CANCEL-RQs remembered at once (pynetdicom keeps 10). */
    public static final int MAX_CANCELS = 10;

    private static final Logger LOG = LoggerFactory.getLogger(DimseProvider.class);

    private final DimseHandler handler;
    private final CommandDecoder decoder = new CommandDecoder();
    private final CommandEncoder encoder = new CommandEncoder();
    private final int[] cancelled = new int[MAX_CANCELS];
    private int cancelCount;
    private UnsafeBuffer commandBuffer;
    private int commandLength;
    private int commandContextId = -1;
    private int dataSetContextId = -1;
    private int nextMessageId = 1;
    private Association association;
    private PDataEncoder pending;
    private int pendingContextId;
    private int pendingFragmentOffset;

    /**
     * @param handler receives commands and data set fragments.
     */
    public DimseProvider(final DimseHandler handler)
    {
        this.handler = handler;
    }

    /** {@inheritDoc} */
    @Override
    public void onEstablished(final Association association)
    {
        this.association = association;
    }

    /** {@inheritDoc} */
    @Override
    public void onPdv(final Association association, final int contextId, final int controlHeader,
        final DirectBuffer buffer, final int offset, final int length)
    {
        try
        {
            if (association.transferSyntax(contextId) == null)
            {
                throw fault("PDV on presentation context " + contextId + ", which was not accepted");
            }
            final boolean last = (controlHeader & PdvDescriptor.LAST) != 0;
            if ((controlHeader & PdvDescriptor.COMMAND) != 0)
            {
                onCommandFragment(association, contextId, buffer, offset, length, last);
            }
            else
            {
                if (dataSetContextId != contextId)
                {
                    throw fault(dataSetContextId < 0 ?
                        "data set PDV on context " + contextId + " without a command announcing one" :
                        "data set PDV on context " + contextId + " while the message uses " + dataSetContextId);
                }
                if (last)
                {
                    dataSetContextId = -1;
                }
                handler.onDataSetFragment(this, association, contextId, buffer, offset, length, last);
            }
        }
        catch (final ProtocolException ex)
        {
            LOG.warn("{}: DIMSE protocol error: {}; aborting", association.name(), ex.getMessage());
            association.abort();
        }
    }

    private void onCommandFragment(final Association association, final int contextId, final DirectBuffer buffer,
        final int offset, final int length, final boolean last)
    {
        if (dataSetContextId >= 0)
        {
            throw fault("command PDV on context " + contextId + " before the data set of the last command ended");
        }
        if (commandContextId >= 0 && commandContextId != contextId)
        {
            throw fault("command fragments on contexts " + commandContextId + " and " + contextId);
        }
        if (last && commandContextId < 0)
        {
            dispatch(association, contextId, buffer, offset, length);
            return;
        }
        if (commandLength + length > MAX_COMMAND_LENGTH)
        {
            throw fault("command set longer than " + MAX_COMMAND_LENGTH + " bytes");
        }
        if (commandBuffer == null)
        {
            commandBuffer = new UnsafeBuffer(java.nio.ByteBuffer.allocateDirect(MAX_COMMAND_LENGTH));
        }
        commandBuffer.putBytes(commandLength, buffer, offset, length);
        commandLength += length;
        commandContextId = contextId;
        if (last)
        {
            final int n = commandLength;
            commandLength = 0;
            commandContextId = -1;
            dispatch(association, contextId, commandBuffer, 0, n);
        }
    }

    private void dispatch(final Association association, final int contextId, final DirectBuffer buffer,
        final int offset, final int length)
    {
        decoder.wrap(buffer, offset, length);
        final int field = decoder.commandField();
        if (CommandField.isKnown(field))
        {
            decoder.validate();
        }
        else if (CommandField.isResponse(field) || decoder.messageId() < 0)
        {
            throw fault("unknown command field 0x" + Integer.toHexString(field) + " without a Message ID to answer");
        }
        if (field == CommandField.C_CANCEL_RQ)
        {
            recordCancel(decoder.messageIdBeingRespondedTo());
        }
        if (decoder.hasDataSet())
        {
            dataSetContextId = contextId;
        }
        handler.onCommand(this, association, contextId, decoder);
    }

    private void recordCancel(final int messageId)
    {
        if (cancelCount == MAX_CANCELS)
        {
            System.arraycopy(cancelled, 1, cancelled, 0, MAX_CANCELS - 1); // keep the newest ten, as pynetdicom
            cancelCount--;
        }
        cancelled[cancelCount++] = messageId;
    }

    /**
     * @param messageId the Message ID of a C-FIND, C-GET or C-MOVE being served.
     * @return true if a C-CANCEL-RQ for it has arrived since {@link #clearCancels()}.
     */
    public boolean isCancelled(final int messageId)
    {
        for (int i = 0; i < cancelCount; i++)
        {
            if (cancelled[i] == messageId)
            {
                return true;
            }
        }
        return false;
    }

    /** Forgets recorded C-CANCEL-RQs: at the start and the end of each service operation. */
    public void clearCancels()
    {
        cancelCount = 0;
    }

    /**
     * @param association the association.
     * @return the largest P-DATA-TF PDU-length we may send on it.
     */
    public static int maximumPduSize(final Association association)
    {
        return association.maxSendPduLength();
    }

    /** {@inheritDoc} */
    @Override
    public int onIdle(final Association association)
    {
        return handler.onTick(this, association);
    }

    /** {@inheritDoc} */
    @Override
    public void onClosed(final Association association)
    {
        if (commandBuffer != null)
        {
            BufferUtil.free(commandBuffer.byteBuffer());
            commandBuffer = null;
        }
        handler.onClosed(association);
    }

    /**
     * Starts a command on a context: the returned encoder writes straight into the send buffer, behind the PDV
     * header. Finish with {@link #sendCommand()}.
     *
     * @param association the association (established).
     * @param contextId   an accepted presentation context.
     * @return the encoder, wrapped.
     * @throws IllegalStateException if the context was not accepted or the send buffer is full.
     */
    public CommandEncoder beginCommand(final Association association, final int contextId)
    {
        if (association.transferSyntax(contextId) == null)
        {
            throw new IllegalStateException("presentation context " + contextId + " was not accepted");
        }
        final PDataEncoder pData = association.claimPData(association.maxSendPduLength() + 6);
        if (pData == null)
        {
            throw new IllegalStateException("send buffer full: flush before sending another command");
        }
        this.association = association;
        this.pending = pData;
        this.pendingContextId = contextId;
        this.pendingFragmentOffset = pData.beginPdv(contextId, PdvDescriptor.COMMAND | PdvDescriptor.LAST);
        return encoder.wrap(association.sendBufferForPData(), pendingFragmentOffset);
    }

    /** @return the context of the command begun by {@link #beginCommand} and not yet sent. */
    public int pendingContextId()
    {
        return pendingContextId;
    }

    /**
     * Sends the command begun by {@link #beginCommand}, in as many PDVs as the peer's maximum PDU needs.
     */
    public void sendCommand()
    {
        final int length = encoder.encodedLength();
        final int maxFragment = PdvDescriptor.maxFragmentLength(association.maxSendPduLength());
        if (length <= maxFragment)
        {
            pending.endPdv(length);
            association.sendPData();
            return;
        }
        // Rare: the peer's maximum PDU is smaller than the command. Re-lay it as several PDVs.
        final DirectBuffer sendBuffer = association.sendBufferForPData();
        final UnsafeBuffer scratch = new UnsafeBuffer(new byte[length]);
        scratch.putBytes(0, sendBuffer, pendingFragmentOffset, length);
        final int pduOffset = pendingFragmentOffset - PdvDescriptor.HEADER_LENGTH - PduDescriptor.HEADER_LENGTH;
        PDataEncoder pData = pending.wrap(association.sendBufferForPData(), pduOffset);
        int sent = 0;
        while (true)
        {
            final int n = Math.min(maxFragment, length - sent);
            final boolean lastFragment = sent + n == length;
            pData.putPdv(pendingContextId, PdvDescriptor.COMMAND | (lastFragment ? PdvDescriptor.LAST : 0),
                scratch, sent, n);
            association.sendPData();
            sent += n;
            if (lastFragment)
            {
                return;
            }
            pData = association.claimPData(association.maxSendPduLength() + 6);
            if (pData == null)
            {
                throw new IllegalStateException("send buffer full while fragmenting a command");
            }
        }
    }

    /**
     * Sends as much of a data set held in a file as the send buffer takes now, one PDV per P-DATA-TF of the
     * peer's maximum size; the bytes go from the file straight into the off-heap send buffer. Call again with what
     * is left after the socket has drained.
     *
     * @param association the association.
     * @param contextId   the context of the message's command.
     * @param file        the source.
     * @param position    file position of the next data set byte.
     * @param remaining   data set bytes still to send (0 sends an empty last fragment).
     * @return bytes sent now; 0 when the send buffer is full.
     * @throws IOException if the file ends early or cannot be read.
     */
    public long sendDataSet(final Association association, final int contextId, final java.nio.channels.FileChannel file,
        final long position, final long remaining) throws IOException
    {
        final int maxFragment = PdvDescriptor.maxFragmentLength(association.maxSendPduLength());
        long sent = 0;
        do
        {
            final int n = (int)Math.min(maxFragment, remaining - sent);
            final PDataEncoder pData = association.claimPData(n + PdvDescriptor.HEADER_LENGTH +
                PduDescriptor.HEADER_LENGTH);
            if (pData == null)
            {
                return sent;
            }
            final boolean last = sent + n == remaining;
            final int at = pData.beginPdv(contextId, last ? PdvDescriptor.LAST : 0);
            final int read = n == 0 ? 0 : association.readIntoPData(file, position + sent, at, n);
            if (read != n)
            {
                throw new IOException("file ended " + (remaining - sent - Math.max(read, 0)) +
                    " bytes before the end of its data set");
            }
            pData.endPdv(n);
            association.sendPData();
            sent += n;
        }
        while (sent < remaining);
        return sent;
    }

    /**
     * Sends as much of a caller's data set as the send buffer takes now, each fragment written by the source
     * straight into the send buffer.
     *
     * @param association the association.
     * @param contextId   the context of the message's command.
     * @param source      the data set; {@link DataSetSource#remaining()} must be positive.
     * @return bytes sent now; 0 when the send buffer is full.
     * @throws IOException from the source.
     */
    public long sendDataSet(final Association association, final int contextId, final DataSetSource source)
        throws IOException
    {
        final int maxFragment = PdvDescriptor.maxFragmentLength(association.maxSendPduLength());
        long sent = 0;
        while (source.remaining() > 0)
        {
            final int n = (int)Math.min(maxFragment, source.remaining());
            final PDataEncoder pData = association.claimPData(n + PdvDescriptor.HEADER_LENGTH +
                PduDescriptor.HEADER_LENGTH);
            if (pData == null)
            {
                return sent;
            }
            final boolean last = n == source.remaining();
            final int at = pData.beginPdv(contextId, last ? PdvDescriptor.LAST : 0);
            source.read(association.sendBufferForPData(), at, n);
            pData.endPdv(n);
            association.sendPData();
            sent += n;
        }
        return sent;
    }

    /**
     * Sends as much of a data set held in a buffer as the send buffer takes now.
     *
     * @param association the association.
     * @param contextId   the context of the message's command.
     * @param src         the data set bytes.
     * @param offset      of the next byte to send.
     * @param remaining   bytes still to send (0 sends an empty last fragment).
     * @return bytes sent now; 0 when the send buffer is full.
     */
    public int sendDataSet(final Association association, final int contextId, final DirectBuffer src,
        final int offset, final int remaining)
    {
        final int maxFragment = PdvDescriptor.maxFragmentLength(association.maxSendPduLength());
        int sent = 0;
        do
        {
            final int n = Math.min(maxFragment, remaining - sent);
            final PDataEncoder pData = association.claimPData(n + PdvDescriptor.HEADER_LENGTH +
                PduDescriptor.HEADER_LENGTH);
            if (pData == null)
            {
                return sent;
            }
            pData.putPdv(contextId, sent + n == remaining ? PdvDescriptor.LAST : 0, src, offset + sent, n);
            association.sendPData();
            sent += n;
        }
        while (sent < remaining);
        return sent;
    }

    /**
     * @return the next Message ID of this association, 1..65535 then round again.
     */
    public int nextMessageId()
    {
        final int id = nextMessageId;
        nextMessageId = id == 0xFFFF ? 1 : id + 1;
        return id;
    }

    private static ProtocolException fault(final String message)
    {
        return new ProtocolException(org.dimse4j.pdu.AbortReason.UNEXPECTED_PDU_PARAMETER, message);
    }
}
