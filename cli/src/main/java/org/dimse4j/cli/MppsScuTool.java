package org.dimse4j.cli;

import org.dimse4j.ae.ApplicationEntity;
import org.dimse4j.ae.ClientAssociation;
import org.dimse4j.ae.MppsScu;
import org.dimse4j.ae.MppsService;
import org.dimse4j.ae.NResponse;
import org.dimse4j.data.DataSet;
import org.dimse4j.data.Uid;
import org.dimse4j.dimse.Status;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code mppsscu HOST PORT}: Modality Performed Procedure Step SCU. Creates a step IN PROGRESS (N-CREATE, with the
 * Type 1 and 2 attributes of PS3.4 Table F.7.2-1, {@code -k} keys replacing them), then ends it COMPLETED or, with
 * {@code --discontinue}, DISCONTINUED (N-SET), both on one association. Exits 0 only if both succeed.
 */
@Command(name = "mppsscu", mixinStandardHelpOptions = true,
    description = "MPPS SCU: N-CREATE a step IN PROGRESS, then N-SET it COMPLETED (or DISCONTINUED).")
final class MppsScuTool implements Callable<Integer>
{
    @Parameters(index = "0", paramLabel = "HOST", description = "Peer host name or address.")
    String host;

    @Parameters(index = "1", paramLabel = "PORT", description = "Peer TCP port.")
    int port;

    @Option(names = {"-aet", "--aetitle"}, paramLabel = "AETITLE", description = "Our AE title, also the Performed "
        + "Station AE Title (default: ${DEFAULT-VALUE}).")
    String aeTitle = "MPPSSCU";

    @Option(names = {"-aec", "--call"}, paramLabel = "AETITLE",
        description = "Called AE title of the peer (default: ${DEFAULT-VALUE}).")
    String calledAeTitle = "ANY-SCP";

    @Option(names = {"-k", "--key"}, paramLabel = "KEY=VALUE",
        description = "An N-CREATE attribute (keyword or gggg,eeee; Seq[0].Key for sequence items), replacing the "
            + "default.")
    List<String> keys = new ArrayList<>();

    @Option(names = {"-s", "--set-key"}, paramLabel = "KEY=VALUE",
        description = "An attribute for the final N-SET as well (e.g. PerformedSeriesSequence[0].SeriesInstanceUID=...).")
    List<String> setKeys = new ArrayList<>();

    @Option(names = {"--uid"}, paramLabel = "UID", description = "The step's SOP Instance UID (default: the SCP "
        + "assigns one).")
    String uid;

    @Option(names = {"--discontinue"}, description = "End the step DISCONTINUED instead of COMPLETED.")
    boolean discontinue;

    @Option(names = {"--create-only"}, description = "Only N-CREATE; leave the step IN PROGRESS.")
    boolean createOnly;

    @Mixin
    NetworkOptions network;

    @Override
    public Integer call() throws Exception
    {
        final DataSet create = MppsScu.inProgress(aeTitle, FindScu.identifier(keys));
        final ApplicationEntity ae = network.apply(ApplicationEntity.named(aeTitle)).build();
        try (ClientAssociation association = ae.connect(host, port, calledAeTitle,
            ScuSupport.littleEndianContext(Uid.MODALITY_PERFORMED_PROCEDURE_STEP), null))
        {
            final NResponse created = MppsScu.create(association, uid, create);
            final String step = created.sopInstanceUid() != null ? created.sopInstanceUid() : uid;
            if (!report("N-CREATE", step, created))
            {
                return 1;
            }
            if (!createOnly)
            {
                final String status = discontinue ? MppsService.DISCONTINUED : MppsService.COMPLETED;
                final NResponse ended = MppsScu.set(association, step,
                    MppsScu.ending(status, FindScu.identifier(setKeys)));
                if (!report("N-SET " + status, step, ended))
                {
                    return 1;
                }
            }
            association.release();
        }
        return 0;
    }

    private static boolean report(final String what, final String step, final NResponse response)
    {
        System.out.printf("%s %s: status 0x%04X%s%n", what, step, response.status(),
            response.errorComment() == null ? "" : " (" + response.errorComment() + ")");
        if (!response.isPerformed())
        {
            System.err.printf("%s failed: 0x%04X %s%n", what, response.status(), Status.describe(response.status()));
            return false;
        }
        return true;
    }
}
