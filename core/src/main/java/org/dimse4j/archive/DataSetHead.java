package org.dimse4j.archive;

import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.dimse4j.data.DataSetException;
import org.dimse4j.data.DataSetReader;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads the identifying UIDs at the head of a stored data set: SOP Class and Instance (0008,0016/0018), Study and
 * Series Instance (0020,000D/000E). The file is memory-mapped and walked in place up to group 0020; nothing else
 * is read.
 */
final class DataSetHead
{
    static final int SOP_CLASS = 0;
    static final int SOP_INSTANCE = 1;
    static final int STUDY = 2;
    static final int SERIES = 3;

    private DataSetHead()
    {
    }

    /**
     * @param file              a Part 10 file.
     * @param dataSetOffset     where its data set starts.
     * @param transferSyntaxUid the data set's encoding.
     * @return the four UIDs (null where absent).
     * @throws IOException if the file cannot be read, or the data set cannot be parsed (deflated, malformed).
     */
    static String[] read(final Path file, final long dataSetOffset, final String transferSyntaxUid) throws IOException
    {
        final int encoding = DataSetReader.encodingOf(transferSyntaxUid);
        if (encoding == DataSetReader.DEFLATED)
        {
            throw new IOException("a deflated data set cannot be inspected");
        }
        final String[] uids = new String[4];
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            final long length = Math.min(channel.size() - dataSetOffset, Integer.MAX_VALUE);
            final MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, dataSetOffset, length);
            try
            {
                final DataSetReader reader = new DataSetReader().wrap(new UnsafeBuffer(mapped), 0, (int)length,
                    encoding);
                while (reader.next() && reader.tag() <= 0x0020000E)
                {
                    switch (reader.tag())
                    {
                        case 0x00080016: uids[SOP_CLASS] = reader.string(); break;
                        case 0x00080018: uids[SOP_INSTANCE] = reader.string(); break;
                        case 0x0020000D: uids[STUDY] = reader.string(); break;
                        case 0x0020000E: uids[SERIES] = reader.string(); break;
                        default: break;
                    }
                }
            }
            catch (final DataSetException ex)
            {
                throw new IOException("cannot parse the data set of " + file + ": " + ex.getMessage(), ex);
            }
            finally
            {
                IoUtil.unmap(mapped);
            }
        }
        return uids;
    }
}
