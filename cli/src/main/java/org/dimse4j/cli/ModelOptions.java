package org.dimse4j.cli;

import picocli.CommandLine.Option;

/**
 * {@code -P} and {@code -S}, the information model options of DCMTK's getscu and movescu (Study Root unless
 * {@code -P}).
 */
class ModelOptions
{
    @Option(names = {"-P", "--patient"}, description = "Patient Root information model.")
    boolean patientRoot;

    @Option(names = {"-S", "--study"}, description = "Study Root information model (the default).")
    boolean studyRoot;

    /**
     * @param patientRootModel the operation's Patient Root SOP class (GET or MOVE).
     * @param studyRootModel   the operation's Study Root SOP class.
     * @return the SOP class for {@code -P} or {@code -S} (Study Root when neither is given).
     * @throws IllegalArgumentException when both are given.
     */
    final String sopClass(final String patientRootModel, final String studyRootModel)
    {
        if (patientRoot && studyRoot)
        {
            throw new IllegalArgumentException("-P and -S exclude each other");
        }
        return patientRoot ? patientRootModel : studyRootModel;
    }
}
