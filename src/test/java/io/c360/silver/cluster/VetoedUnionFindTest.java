package io.c360.silver.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class VetoedUnionFindTest {
    @Test
    void aUnionIsRefusedWhenAVetoWouldEndInsideOneSet() {
        VetoedUnionFind sets = new VetoedUnionFind();
        sets.veto("a", "d");
        assertTrue(sets.unionUnlessVetoed("a", "b"));
        assertTrue(sets.unionUnlessVetoed("c", "d"));
        assertFalse(sets.unionUnlessVetoed("b", "c"), "a-b and c-d would put a with d");
        assertTrue(sets.unionUnlessVetoed("b", "e"));
        assertFalse(sets.unionUnlessVetoed("e", "d"), "the veto follows a into the merged set");
        assertTrue(sets.unionUnlessVetoed("a", "e"), "already together");

        assertEquals(Map.of("a", "a", "b", "a", "e", "a", "c", "c", "d", "c"), sets.clusters());
    }

    @Test
    void vetoesAddedToMembersOfSetsStillHold() {
        VetoedUnionFind sets = new VetoedUnionFind();
        assertTrue(sets.unionUnlessVetoed("x", "y"));
        sets.veto("y", "z");
        assertFalse(sets.unionUnlessVetoed("x", "z"));
        sets.add("w");
        assertEquals(Map.of("w", "w", "x", "x", "y", "x", "z", "z"), sets.clusters());
    }
}
