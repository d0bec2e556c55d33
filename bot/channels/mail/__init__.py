"""The mailbox channel: replies to invitations read over IMAP, answers sent over SMTP."""
