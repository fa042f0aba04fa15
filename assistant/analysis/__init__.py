"""Reading text: words, stems and sentences, a question's language, answer types and clean-up."""
