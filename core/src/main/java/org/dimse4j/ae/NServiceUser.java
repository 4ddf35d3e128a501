package org.dimse4j.ae;

import org.agrona.concurrent.UnsafeBuffer;
import org.dimse4j.data.DataSet;
import org.dimse4j.data.DataSetException;
import org.dimse4j.data.DataSetReader;
import org.dimse4j.dimse.CommandDecoder;
import org.dimse4j.dimse.CommandElement;
import org.dimse4j.dimse.CommandField;
import org.dimse4j.dimse.MessageQueue;
import org.dimse4j.dimse.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * The DIMSE-N calls of a {@link ClientAssociation}: sends a request, then takes messages from the pull queue until
 * its response, answering the peer's N-EVENT-REPORT-RQs on the way with the association's
 * {@link EventReportListener} (0x0211 without one).
 */
final class NServiceUser
{
    private static final Logger LOG = LoggerFactory.getLogger(NServiceUser.class);

    private final ClientAssociation client;
    private EventReportListener listener;

    NServiceUser(final ClientAssociation client)
    {
        this.client = client;
    }

    void listener(final EventReportListener listener)
    {
        this.listener = listener;
    }

    NResponse request(final int field, final String sopClass, final String sopInstance, final int typeId,
        final int[] attributeIds, final DataSet dataSet) throws IOException
    {
        final int contextId = client.association().contextIdFor(sopClass);
        if (contextId < 0)
        {
            throw new IOException("the peer accepted no presentation context for " + sopClass);
        }
        final int encoding = DataSetReader.encodingOf(client.association().transferSyntax(contextId));
        final UnsafeBuffer encoded = dataSet == null ? null : NCommands.encode(dataSet, encoding);
        final int messageId = client.nextMessageId();
        NCommands.request(client.beginMsg(contextId), field, messageId, sopClass, sopInstance, typeId, attributeIds,
            encoded != null);
        if (encoded == null)
        {
            client.sendMsg();
        }
        else
        {
            client.sendMsg(encoded, 0, encoded.capacity());
        }
        final String name = CommandField.name(field);
        while (true)
        {
            final MessageQueue.ReceivedMessage msg = client.awaitMessage(name);
            final CommandDecoder command = msg.command();
            if (command.commandField() == CommandField.N_EVENT_REPORT_RQ)
            {
                answerEventReport(msg, listener);
                continue;
            }
            if (command.commandField() != (field | CommandField.RESPONSE_BIT) ||
                command.messageIdBeingRespondedTo() != messageId)
            {
                LOG.debug("{}: ignoring {} while awaiting the {} response", client.association().name(),
                    CommandField.name(command.commandField()), name);
                continue;
            }
            return response(msg, encoding);
        }
    }

    /**
     * Takes messages until an N-EVENT-REPORT-RQ arrives and is answered, or the time is up.
     *
     * @return true if one was answered.
     */
    boolean awaitEventReport(final long timeoutMs, final EventReportListener once) throws IOException
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (true)
        {
            final long left = deadline - System.nanoTime();
            if (left <= 0)
            {
                return false;
            }
            final MessageQueue.ReceivedMessage msg = client.getMsg(true, left);
            if (msg == null)
            {
                continue;
            }
            if (msg.command().commandField() == CommandField.N_EVENT_REPORT_RQ)
            {
                answerEventReport(msg, once != null ? once : listener);
                return true;
            }
            LOG.debug("{}: ignoring {} while awaiting an N-EVENT-REPORT-RQ", client.association().name(),
                CommandField.name(msg.command().commandField()));
        }
    }

    private NResponse response(final MessageQueue.ReceivedMessage msg, final int encoding) throws IOException
    {
        final CommandDecoder command = msg.command();
        int[] ids = null;
        if (command.attributeIdentifierCount() > 0)
        {
            ids = new int[command.attributeIdentifierCount()];
            for (int i = 0; i < ids.length; i++)
            {
                ids[i] = command.attributeIdentifier(i);
            }
        }
        final NResponse response = new NResponse(command.status(), command.affectedSopInstanceUid(), null,
            command.contains(CommandElement.ERROR_COMMENT) ? command.errorComment() : null,
            command.contains(CommandElement.ERROR_ID) ? command.errorId() : -1, ids);
        return msg.hasDataSet() ? response.withAttributes(parse(msg, encoding)) : response;
    }

    private DataSet parse(final MessageQueue.ReceivedMessage msg, final int encoding) throws IOException
    {
        try
        {
            return DataSet.read(msg.dataSetBuffer(), msg.dataSetOffset(), msg.dataSetLength(), encoding);
        }
        catch (final DataSetException ex)
        {
            throw new IOException("the peer's " + CommandField.name(msg.command().commandField()) +
                " data set does not parse: " + ex.getMessage(), ex);
        }
    }

    private void answerEventReport(final MessageQueue.ReceivedMessage msg, final EventReportListener to)
        throws IOException
    {
        final CommandDecoder command = msg.command();
        final int contextId = msg.contextId();
        final int messageId = command.messageId();
        final String sopClass = command.affectedSopClassUid();
        final String sopInstance = command.affectedSopInstanceUid();
        final int eventTypeId = command.eventTypeId();
        NResponse response;
        DataSet information = null;
        try
        {
            if (msg.hasDataSet())
            {
                information = DataSet.read(msg.dataSetBuffer(), msg.dataSetOffset(), msg.dataSetLength(),
                    DataSetReader.encodingOf(client.association().transferSyntax(contextId)));
            }
            response = to == null ? NServiceHandler.unsupported() :
                to.onEventReport(sopClass, sopInstance, eventTypeId, information);
            if (response == null)
            {
                response = NResponse.of(Status.PROCESSING_FAILURE, "no response from the listener");
            }
        }
        catch (final DataSetException ex)
        {
            response = NResponse.of(Status.PROCESSING_FAILURE, "data set does not parse: " + ex.getMessage());
        }
        catch (final RuntimeException ex)
        {
            LOG.warn("{}: N-EVENT-REPORT listener failed", client.association().name(), ex);
            response = NResponse.of(Status.PROCESSING_FAILURE, "processing failed: " + ex);
        }
        final DataSet reply = response.attributes();
        NCommands.response(client.beginMsg(contextId), CommandField.N_EVENT_REPORT_RQ, messageId, sopClass,
            sopInstance, response, eventTypeId, reply != null);
        if (reply == null)
        {
            client.sendMsg();
        }
        else
        {
            final UnsafeBuffer encoded = NCommands.encode(reply,
                DataSetReader.encodingOf(client.association().transferSyntax(contextId)));
            client.sendMsg(encoded, 0, encoded.capacity());
        }
    }
}
