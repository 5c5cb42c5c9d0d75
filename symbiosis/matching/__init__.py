"""Pure matching engine: no Flask, no ORM."""
