package org.bloodcells.results.query;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

class CsvTest {

    @Test
    void fieldsWithSeparatorsQuotesOrLineBreaksAreQuoted() {
        assertEquals("a,\"b,c\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n",
                Csv.line(List.of("a", "b,c", "say \"hi\"", "two\nlines")));
    }

    @Test
    void whatASpreadsheetWouldRunAsAFormulaIsDefused() {
        assertEquals("'=1+1", Csv.field("=1+1"));
        assertEquals("'+cmd", Csv.field("+cmd"));
        assertEquals("'-2", Csv.field("-2"));
        assertEquals("'@SUM(A1)", Csv.field("@SUM(A1)"));
        assertEquals("slide-1", Csv.field("slide-1"));
        assertEquals("", Csv.field(""));
    }
}
