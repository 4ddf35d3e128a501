package org.dimse4j.ae;

import org.dimse4j.dimse.CommandDecoder;
import org.dimse4j.dimse.CommandElement;
import org.dimse4j.dimse.CommandEncoder;
import org.dimse4j.dimse.CommandField;
import org.dimse4j.dimse.DimseHandler;
import org.dimse4j.dimse.DimseProvider;
import org.dimse4j.dimse.Status;
import org.dimse4j.service.Verification;
import org.dimse4j.ul.Association;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The acceptor's service side: answers each request inline on the I/O thread. C-ECHO on a Verification context is
 * answered with Success; any other request is refused with a failure status (0x0211 unrecognized operation, or
 * 0x0122 SOP class not supported when its context is not for that SOP class) so that the peer is never left
 * waiting.
 */
final class ServiceDispatcher implements DimseHandler
{
    private static final Logger LOG = LoggerFactory.getLogger(ServiceDispatcher.class);

    /** {@inheritDoc} */
    @Override
    public void onCommand(final DimseProvider provider, final Association association, final int contextId,
        final CommandDecoder command)
    {
        final int field = command.commandField();
        if (field == CommandField.C_ECHO_RQ && Verification.SOP_CLASS.equals(association.abstractSyntax(contextId)))
        {
            Verification.respond(provider, association, contextId, command);
            return;
        }
        if (CommandField.isResponse(field) || field == CommandField.C_CANCEL_RQ)
        {
            LOG.debug("{}: ignoring unsolicited {}", association.name(), CommandField.name(field));
            return;
        }
        final int status = field == CommandField.C_ECHO_RQ ? Status.SOP_CLASS_NOT_SUPPORTED :
            Status.UNRECOGNIZED_OPERATION;
        LOG.info("{}: {} not supported here; answering status 0x{}", association.name(), CommandField.name(field),
            Integer.toHexString(status));
        final int messageId = command.messageId();
        final CommandEncoder rsp = provider.beginCommand(association, contextId);
        if (command.contains(CommandElement.AFFECTED_SOP_CLASS_UID))
        {
            rsp.putUid(CommandElement.AFFECTED_SOP_CLASS_UID, command.buffer(),
                command.valueOffset(CommandElement.AFFECTED_SOP_CLASS_UID),
                command.uidLength(CommandElement.AFFECTED_SOP_CLASS_UID));
        }
        rsp.putUS(CommandElement.COMMAND_FIELD, field | 0x8000)
            .putUS(CommandElement.MESSAGE_ID_BEING_RESPONDED_TO, messageId)
            .putUS(CommandElement.COMMAND_DATA_SET_TYPE, 0x0101)
            .putUS(CommandElement.STATUS, status);
        provider.sendCommand();
    }
}
