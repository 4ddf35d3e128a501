package org.dimse4j.cli;

import org.dimse4j.ae.ClientAssociation;
import org.dimse4j.ae.ContextRequest;
import org.dimse4j.data.TransferSyntax;
import org.dimse4j.data.Uid;
import org.dimse4j.dimse.Status;

import java.util.List;

/**
 * What the SCU tools share beside their option declarations: the contexts they propose, the choice of information
 * model from {@code -P}/{@code -S}/{@code -W}, and the printing of C-GET and C-MOVE progress and outcome.
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

    /**
     * @return the C-FIND SOP class for {@code -P}, {@code -S} or {@code -W} (Study Root when none is given).
     * @throws IllegalArgumentException when more than one is given.
     */
    static String findModel(final boolean patientRoot, final boolean studyRoot, final boolean worklist)
    {
        if ((patientRoot ? 1 : 0) + (studyRoot ? 1 : 0) + (worklist ? 1 : 0) > 1)
        {
            throw new IllegalArgumentException("-P, -S and -W exclude each other");
        }
        return worklist ? Uid.MODALITY_WORKLIST_INFORMATION_MODEL_FIND : patientRoot ?
            Uid.PATIENT_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_FIND : Uid.STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_FIND;
    }

    /**
     * @param patientRootModel the operation's Patient Root SOP class (GET or MOVE).
     * @param studyRootModel   the operation's Study Root SOP class.
     * @return the SOP class for {@code -P} or {@code -S} (Study Root when neither is given).
     * @throws IllegalArgumentException when both are given.
     */
    static String retrieveModel(final boolean patientRoot, final boolean studyRoot, final String patientRootModel,
        final String studyRootModel)
    {
        if (patientRoot && studyRoot)
        {
            throw new IllegalArgumentException("-P and -S exclude each other");
        }
        return patientRoot ? patientRootModel : studyRootModel;
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
