package org.dimse4j.cli;

import org.dimse4j.ae.ClientAssociation;
import org.dimse4j.ae.ContextRequest;
import org.dimse4j.dimse.CommandElement;
import org.dimse4j.dimse.CommandField;
import org.dimse4j.service.Verification;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.util.List;

/**
 * {@code bench echo HOST PORT}: C-ECHO round trips (the Upper Layer and DIMSE cost alone, no data set).
 */
@Command(name = "echo", mixinStandardHelpOptions = true, sortOptions = false,
    description = "C-ECHO load: round trips per second and their latency distribution.")
final class BenchEcho extends BenchScu
{
    @Override
    String operationName()
    {
        return "C-ECHO";
    }

    @Override
    List<ContextRequest> contexts()
    {
        return List.of(ContextRequest.of(Verification.SOP_CLASS));
    }

    @Override
    Operation operation(final ClientAssociation association, final int lane) throws IOException
    {
        final int contextId = acceptedContext(association, Verification.SOP_CLASS, null);
        return new Operation()
        {
            @Override
            public int send(final ClientAssociation a) throws IOException
            {
                final int messageId = a.nextMessageId();
                a.beginMsg(contextId)
                    .putUid(CommandElement.AFFECTED_SOP_CLASS_UID, Verification.SOP_CLASS)
                    .putUS(CommandElement.COMMAND_FIELD, CommandField.C_ECHO_RQ)
                    .putUS(CommandElement.MESSAGE_ID, messageId)
                    .putUS(CommandElement.COMMAND_DATA_SET_TYPE, CommandElement.DATA_SET_TYPE_NONE);
                a.sendMsg();
                return messageId;
            }

            @Override
            public long bytes()
            {
                return 0;
            }
        };
    }
}
