package org.dimse4j.cli;

import org.dimse4j.ae.ApplicationEntity;
import org.dimse4j.ae.ClientAssociation;
import org.dimse4j.data.DataSet;
import org.dimse4j.data.ElementDictionary;
import org.dimse4j.data.ValueRepresentation;
import org.dimse4j.dimse.Status;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code findscu HOST PORT -k KEY[=VALUE]...}: the C-FIND SCU, as DCMTK's findscu (Study Root by default, Patient
 * Root with {@code -P}, Modality Worklist with {@code -W}). Prints each match's attributes, one per line as dcmdump
 * does, then a summary; exits 0 only on Success.
 * <p>
 * Keys inside sequences take DCMTK's path syntax: {@code SEQUENCE[N].KEY[=VALUE]}, each of SEQUENCE and KEY a
 * keyword or {@code (gggg,eeee)}, e.g. {@code -k ScheduledProcedureStepSequence[0].Modality=CT}; items up to N
 * are created as needed, and paths nest. A sequence key alone ({@code -k (0040,0100)}) asks for the whole
 * sequence (an empty sequence: universal matching, every item returned).
 */
@Command(name = "findscu", mixinStandardHelpOptions = true,
    description = "Query/Retrieve C-FIND SCU: sends one C-FIND-RQ built from -k keys and prints the matches.")
final class FindScu implements Callable<Integer>
{
    @Parameters(index = "0", paramLabel = "HOST", description = "Peer host name or address.")
    String host;

    @Parameters(index = "1", paramLabel = "PORT", description = "Peer TCP port.")
    int port;

    @Option(names = {"-aet", "--aetitle"}, paramLabel = "AETITLE", description = "Our AE title (default: ${DEFAULT-VALUE}).")
    String aeTitle = "FINDSCU";

    @Option(names = {"-aec", "--call"}, paramLabel = "AETITLE",
        description = "Called AE title of the peer (default: ${DEFAULT-VALUE}).")
    String calledAeTitle = "ANY-SCP";

    @Mixin
    FindModelOptions model;

    @Option(names = {"-k", "--key"}, paramLabel = "KEY[=VALUE]",
        description = "A key: a keyword (PatientName) or gggg,eeee, with a value to match or none to have it returned.")
    List<String> keys = new ArrayList<>();

    @Mixin
    NetworkOptions network;

    @Override
    public Integer call() throws Exception
    {
        final String sopClass = model.sopClass();
        final DataSet identifier = identifier(keys);
        final ApplicationEntity ae = network.apply(ApplicationEntity.named(aeTitle)).build();
        final int[] count = new int[1];
        final int status;
        try (ClientAssociation association = ae.connect(host, port, calledAeTitle,
            ScuSupport.littleEndianContext(sopClass), null))
        {
            status = association.find(sopClass, identifier, match ->
            {
                count[0]++;
                System.out.println("# match " + count[0]);
                System.out.print(match);
            });
            association.release();
        }
        System.out.printf("%d matches, status 0x%04X%n", count[0], status);
        if (status != Status.SUCCESS)
        {
            System.err.printf("C-FIND ended with status 0x%04X %s%n", status, Status.describe(status));
        }
        return status == Status.SUCCESS ? 0 : 1;
    }

    /**
     * @param keys {@code KEY} or {@code KEY=VALUE}, KEY a keyword or {@code gggg,eeee} (parentheses allowed), or a
     *             path {@code SEQUENCE[N].KEY} into a sequence item.
     * @return the identifier.
     * @throws IllegalArgumentException for an unknown keyword or a malformed tag or path.
     */
    static DataSet identifier(final List<String> keys)
    {
        final DataSet identifier = new DataSet();
        for (final String key : keys)
        {
            final int eq = key.indexOf('=');
            String name = (eq < 0 ? key : key.substring(0, eq)).trim();
            final String value = eq < 0 ? "" : key.substring(eq + 1);
            DataSet target = identifier;
            int open;
            while ((open = name.indexOf('[')) >= 0)
            {
                final int close = name.indexOf("].", open);
                if (close < 0)
                {
                    throw new IllegalArgumentException("bad sequence path " + name + ": expected SEQUENCE[N].KEY");
                }
                final int sequenceTag = tagOf(name.substring(0, open).trim());
                if (ElementDictionary.vr(sequenceTag) != ValueRepresentation.SQ)
                {
                    throw new IllegalArgumentException(name.substring(0, open) + " is not a sequence");
                }
                final int n;
                try
                {
                    n = Integer.parseInt(name.substring(open + 1, close).trim());
                }
                catch (final NumberFormatException ex)
                {
                    throw new IllegalArgumentException("bad item number in " + name);
                }
                if (n < 0 || n > 64)
                {
                    throw new IllegalArgumentException("item number out of range in " + name);
                }
                if (target.vr(sequenceTag) != ValueRepresentation.SQ)
                {
                    target.putSequence(sequenceTag);
                }
                while (target.sequence(sequenceTag).size() <= n)
                {
                    target.addItem(sequenceTag);
                }
                target = target.sequence(sequenceTag).get(n);
                name = name.substring(close + 2).trim();
            }
            put(target, name, value);
        }
        return identifier;
    }

    private static void put(final DataSet identifier, final String name, final String value)
    {
        final int tag = tagOf(name);
        final int vr = ElementDictionary.vr(tag);
        if (vr == ValueRepresentation.SQ)
        {
            if (!value.isEmpty())
            {
                throw new IllegalArgumentException("sequence key " + name + " cannot take a value here");
            }
            if (identifier.vr(tag) != ValueRepresentation.SQ)
            {
                identifier.putSequence(tag);
            }
        }
        else if (value.isEmpty())
        {
            identifier.put(tag, vr == ValueRepresentation.UN ? ValueRepresentation.LO : vr, null);
        }
        else if (DataSet.isText(vr))
        {
            identifier.putString(tag, vr, value);
        }
        else if (vr == ValueRepresentation.US || vr == ValueRepresentation.UL || vr == ValueRepresentation.SS ||
            vr == ValueRepresentation.SL)
        {
            identifier.putInt(tag, Integer.parseInt(value.trim()));
        }
        else
        {
            throw new IllegalArgumentException("cannot give a value to " + name + " (VR " + vr + ")");
        }
    }

    private static int tagOf(final String name)
    {
        final String hex = name.replace("(", "").replace(")", "");
        if (hex.matches("[0-9A-Fa-f]{4},[0-9A-Fa-f]{4}"))
        {
            return (Integer.parseInt(hex.substring(0, 4), 16) << 16) | Integer.parseInt(hex.substring(5), 16);
        }
        final int tag = ElementDictionary.tagOf(name);
        if (tag == -1)
        {
            throw new IllegalArgumentException("unknown key " + name + ": give a keyword or gggg,eeee");
        }
        return tag;
    }
}
