package io.c360.synth;

import java.time.LocalDate;

/**
 * A true person: what the source systems' records are noisy, partial, time-shifted views of. Values
 * that changed during the history keep their old form and the date of the change.
 *
 * @param gender F, M or X
 * @param maidenName the surname before {@code marriedOn}, or null
 * @param previousEmail the address used before {@code emailChangedOn}, or null
 * @param landline the household's landline (10 digits), or null
 * @param previousAddress the address before {@code movedOn}, or null
 * @param customerSince when the person first dealt with the company; records are not older
 */
record Person(
        long index,
        String personId,
        String householdId,
        String twinOf,
        String gender,
        String given,
        String middleInitial,
        String surname,
        String maidenName,
        LocalDate marriedOn,
        LocalDate birthDate,
        String ssn,
        String email,
        String previousEmail,
        LocalDate emailChangedOn,
        String mobile,
        String landline,
        Address address,
        Address previousAddress,
        LocalDate movedOn,
        LocalDate customerSince) {

    String surnameOn(LocalDate day) {
        return maidenName != null && day.isBefore(marriedOn) ? maidenName : surname;
    }

    String emailOn(LocalDate day) {
        return previousEmail != null && day.isBefore(emailChangedOn) ? previousEmail : email;
    }

    Address addressOn(LocalDate day) {
        return previousAddress != null && day.isBefore(movedOn) ? previousAddress : address;
    }
}
