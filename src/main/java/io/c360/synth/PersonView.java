package io.c360.synth;

import java.time.LocalDate;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What the source systems see of one person while writing that person's records: the person, their
 * household, their random stream and noise, and the record ids handed out so far.
 */
final class PersonView {
    final Person person;
    final List<Person> household;
    final GeneratorSettings settings;
    final Rng rng;
    final FieldNoise noise;
    private final Map<Source, Integer> sequences = new EnumMap<>(Source.class);

    PersonView(Person person, List<Person> household, GeneratorSettings settings) {
        this.person = person;
        this.household = household;
        this.settings = settings;
        this.rng = Rng.of(settings.seed(), Rng.PERSON, person.index());
        this.noise = new FieldNoise(rng, settings.noise());
    }

    SourceRecord newRecord(Source source) {
        int sequence = sequences.merge(source, 1, Integer::sum) - 1;
        return new SourceRecord(source, person.personId())
                .put(source.key(), source.recordId(settings.seed(), person.index(), sequence));
    }

    LocalDate asOf() {
        return settings.asOf();
    }

    /** A moment between the person's first contact with the company and the extract date. */
    long momentAsCustomer() {
        return Stamps.moment(rng, person.customerSince(), asOf().minusDays(1));
    }

    /** The surname a record made on {@code day} carries: after a marriage, some systems keep the maiden name. */
    String surnameOn(LocalDate day) {
        if (person.maidenName() != null && !day.isBefore(person.marriedOn()) && noise.happens(NoiseKind.MAIDEN_NAME)) {
            return person.maidenName();
        }
        return person.surnameOn(day);
    }

    /** The phone a person gives: their mobile, or the household landline. */
    String phoneDigits() {
        if (person.landline() != null && noise.happens(NoiseKind.SHARED_PHONE)) {
            return person.landline();
        }
        return person.mobile();
    }

    /** Given and surname as written on one record, possibly swapped. */
    String[] names(LocalDate day, FieldNoise.Case c) {
        String given = FieldNoise.cased(noise.given(person.given()), c);
        String surname = FieldNoise.cased(noise.spelled(surnameOn(day)), c);
        return noise.happens(NoiseKind.NAME_SWAP) ? new String[] {surname, given} : new String[] {given, surname};
    }
}
