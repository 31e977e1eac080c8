"""Pure mail handling: parsing bytes into messages, threading them into tickets. No I/O here."""
