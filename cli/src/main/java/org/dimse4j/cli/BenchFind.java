package org.dimse4j.cli;

import org.agrona.concurrent.UnsafeBuffer;
import org.dimse4j.ae.ClientAssociation;
import org.dimse4j.ae.ContextRequest;
import org.dimse4j.data.DataSet;
import org.dimse4j.data.DataSetReader;
import org.dimse4j.dimse.CommandElement;
import org.dimse4j.dimse.CommandField;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code bench find HOST PORT -k KEY[=VALUE]...}: C-FIND load; one operation is a C-FIND-RQ answered by its final
 * response (its Pending responses, the matches, counted on the way).
 */
@Command(name = "find", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"C-FIND load: the same query (-k keys, as findscu takes them) over and over; latency from the " +
        "C-FIND-RQ to its final response, matches counted."})
final class BenchFind extends BenchScu
{
    @Mixin
    FindModelOptions model;

    @Option(names = {"-k", "--key"}, paramLabel = "KEY[=VALUE]",
        description = "A key as findscu takes it (default: QueryRetrieveLevel=STUDY, or none with -W).")
    List<String> keys = new ArrayList<>();

    private String sopClass;
    private DataSet identifier;

    @Override
    String operationName()
    {
        return "C-FIND";
    }

    @Override
    void prepare()
    {
        sopClass = model.sopClass();
        identifier = FindScu.identifier(keys.isEmpty() && !model.worklist ?
            List.of(model.patientRoot ? "QueryRetrieveLevel=PATIENT" : "QueryRetrieveLevel=STUDY") : keys);
    }

    @Override
    List<ContextRequest> contexts()
    {
        return ScuSupport.littleEndianContext(sopClass);
    }

    @Override
    Operation operation(final ClientAssociation association, final int lane) throws IOException
    {
        final int contextId = acceptedContext(association, sopClass, null);
        final int encoding = DataSetReader.encodingOf(association.association().transferSyntax(contextId));
        final int length = identifier.encodedLength(encoding);
        final UnsafeBuffer encoded = new UnsafeBuffer(new byte[Math.max(1, length)]);
        identifier.write(encoded, 0, encoding);
        return new Operation()
        {
            @Override
            public int send(final ClientAssociation a) throws IOException
            {
                final int messageId = a.nextMessageId();
                a.beginMsg(contextId)
                    .putUid(CommandElement.AFFECTED_SOP_CLASS_UID, sopClass)
                    .putUS(CommandElement.COMMAND_FIELD, CommandField.C_FIND_RQ)
                    .putUS(CommandElement.MESSAGE_ID, messageId)
                    .putUS(CommandElement.PRIORITY, CommandElement.PRIORITY_MEDIUM)
                    .putUS(CommandElement.COMMAND_DATA_SET_TYPE, CommandElement.DATA_SET_TYPE_PRESENT);
                a.sendMsg(encoded, 0, length);
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
