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

    private static final Logger LOG = LoggerFactory.getLogger(DimseProvider.class);

    private final DimseHandler handler;
    private final CommandDecoder decoder = new CommandDecoder();
    private final CommandEncoder encoder = new CommandEncoder();
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
        if (decoder.hasDataSet())
        {
            dataSetContextId = contextId;
        }
        handler.onCommand(this, association, contextId, decoder);
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
