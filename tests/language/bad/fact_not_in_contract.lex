import "../../../regulations/vocabulary.lex"
fact applicant.favourite_colour: text
