package org.dimse4j.testing;

import org.dimse4j.data.Part10Info;
import org.dimse4j.data.Part10Reader;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;

/** SHA-256 of a Part 10 file's data set (after its File Meta Information), to compare instances byte for byte. */
public final class DataSetDigest
{
    private DataSetDigest()
    {
    }

    /**
     * @param file a Part 10 file.
     * @return the SHA-256 of its data set, read 1 MiB at a time (so a large instance needs little heap).
     * @throws Exception if the file cannot be read.
     */
    public static byte[] of(final Path file) throws Exception
    {
        final Part10Info info = Part10Reader.read(file);
        final MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ))
        {
            in.position(info.dataSetOffset());
            final ByteBuffer chunk = ByteBuffer.allocate(1 << 20);
            while (in.read(chunk) > 0)
            {
                chunk.flip();
                digest.update(chunk);
                chunk.clear();
            }
        }
        return digest.digest();
    }
}
