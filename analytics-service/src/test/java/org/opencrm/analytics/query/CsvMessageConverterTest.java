package org.opencrm.analytics.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/** CSV fields a spreadsheet reads back as they were: quoting per RFC 4180 and no formulas from tenant input. */
class CsvMessageConverterTest {

    @Test
    void quotesFieldsWithSeparatorsQuotesOrLineBreaks() {
        assertThat(CsvMessageConverter.field("trade fair, spring")).isEqualTo("\"trade fair, spring\"");
        assertThat(CsvMessageConverter.field("the \"big\" one")).isEqualTo("\"the \"\"big\"\" one\"");
        assertThat(CsvMessageConverter.field("two\r\nlines")).isEqualTo("\"two\r\nlines\"");
        assertThat(CsvMessageConverter.field("website")).isEqualTo("website");
        assertThat(CsvMessageConverter.field(null)).isEmpty();
    }

    @Test
    void writesNumbersPlainAndDefusesFormulas() {
        assertThat(CsvMessageConverter.field(new BigDecimal("1E+3"))).isEqualTo("1000");
        assertThat(CsvMessageConverter.field(-5L)).isEqualTo("-5");
        assertThat(CsvMessageConverter.field("=HYPERLINK(\"http://x\")"))
                .isEqualTo("\"'=HYPERLINK(\"\"http://x\"\")\"");
        assertThat(CsvMessageConverter.field("@sum")).isEqualTo("'@sum");
    }
}
