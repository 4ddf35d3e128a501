package org.dimse4j.cli;

import org.dimse4j.data.Uid;
import picocli.CommandLine.Option;

/** {@code -P}, {@code -S} and {@code -W}, the information model options of DCMTK's findscu. */
final class FindModelOptions extends ModelOptions
{
    @Option(names = {"-W", "--worklist"}, description = "Modality Worklist information model.")
    boolean worklist;

    /**
     * @return the C-FIND SOP class for {@code -P}, {@code -S} or {@code -W} (Study Root when none is given).
     * @throws IllegalArgumentException when more than one is given.
     */
    String sopClass()
    {
        if ((patientRoot ? 1 : 0) + (studyRoot ? 1 : 0) + (worklist ? 1 : 0) > 1)
        {
            throw new IllegalArgumentException("-P, -S and -W exclude each other");
        }
        return worklist ? Uid.MODALITY_WORKLIST_INFORMATION_MODEL_FIND : patientRoot ?
            Uid.PATIENT_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_FIND : Uid.STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_FIND;
    }
}
