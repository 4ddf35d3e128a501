package org.dimse4j.ae;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AeTableTest
{
    @Test
    void readsPeersSkippingCommentsAndBlankLines(@TempDir final Path dir) throws Exception
    {
        final Path file = dir.resolve("aes.txt");
        Files.writeString(file, "# destinations\n\nVIEWER 127.0.0.1 11113\n  ARCHIVE2\tpacs.local  104  \n");
        final AeTable table = AeTable.read(file);
        assertEquals(new RemoteAe("VIEWER", "127.0.0.1", 11113), table.lookup("VIEWER"));
        assertEquals(new RemoteAe("ARCHIVE2", "pacs.local", 104), table.lookup("ARCHIVE2 "));
        assertNull(table.lookup("UNKNOWN"));
        assertEquals(2, table.peers().size());
    }

    @Test
    void namesFileAndLineOfAMalformedEntry(@TempDir final Path dir) throws Exception
    {
        final Path file = dir.resolve("aes.txt");
        Files.writeString(file, "A 127.0.0.1 104\nB 127.0.0.1 70000\n");
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> AeTable.read(file));
        assertTrue(ex.getMessage().contains("aes.txt:2"), ex.getMessage());
        Files.writeString(file, "ABCDEFGHIJKLMNOPQ 127.0.0.1 104\n");
        assertThrows(IllegalArgumentException.class, () -> AeTable.read(file));
        Files.writeString(file, "A 127.0.0.1\n");
        assertThrows(IllegalArgumentException.class, () -> AeTable.read(file));
    }

    @Test
    void withReplacesAPeerOfTheSameTitle()
    {
        final AeTable table = AeTable.of(new RemoteAe("A", "h1", 1)).with(new RemoteAe("A", "h2", 2));
        assertEquals(new RemoteAe("A", "h2", 2), table.lookup("A"));
        assertEquals(1, table.peers().size());
        assertNull(AeTable.empty().lookup("A"));
        assertNull(table.lookup(null));
    }
}
