package org.dimse4j.cli;

import org.dimse4j.ae.ClientAssociation;
import org.dimse4j.ae.ContextRequest;
import org.dimse4j.data.TransferSyntax;
import org.dimse4j.dimse.Status;

import java.util.List;

/**
 * What the SCU tools share beside their option declarations: the contexts they propose, and the printing of C-GET
 * and C-MOVE progress and outcome. The information model options are {@link ModelOptions} and
 * {@link FindModelOptions}.
 */
final class ScuSupport
{
    /** The transfer syntaxes the SCU tools propose for their own SOP class, as DCMTK's tools do by default. */
    static final List<String> LITTLE_ENDIAN = List.of(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN,
        TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN);

    private ScuSupport()
    {
    }

    /**
     * @param sopClass an abstract syntax.
     * @return one context for it in {@link #LITTLE_ENDIAN}.
     */
    static List<ContextRequest> littleEndianContext(final String sopClass)
    {
        return List.of(ContextRequest.of(sopClass, LITTLE_ENDIAN));
    }

    /** Prints the counters of a Pending C-GET-RSP or C-MOVE-RSP. */
    static void printPending(final ClientAssociation.GetResult progress)
    {
        System.out.printf("pending: remaining %d, completed %d, failed %d, warning %d%n",
            progress.remaining(), progress.completed(), progress.failed(), progress.warning());
    }

    /**
     * Prints the Failed SOP Instance UID List, and the status on stderr unless Success.
     *
     * @param operation "C-GET" or "C-MOVE".
     * @return the exit code: 0 only on Success.
     */
    static int reportRetrieve(final String operation, final ClientAssociation.GetResult result)
    {
        if (!result.failedSopInstanceUids().isEmpty())
        {
            System.out.println("failed SOP instances: " + String.join(", ", result.failedSopInstanceUids()));
        }
        if (result.status() != Status.SUCCESS)
        {
            System.err.printf("%s ended with status 0x%04X %s%n", operation, result.status(),
                Status.describe(result.status()));
        }
        return result.status() == Status.SUCCESS ? 0 : 1;
    }
}
