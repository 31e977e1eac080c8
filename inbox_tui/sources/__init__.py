"""Where messages come from: IMAP, Maildir and mbox readers, each handing intake raw messages."""
