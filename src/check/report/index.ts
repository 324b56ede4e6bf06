// The checker's last room: the findings, and the adoption round trip, as text or JSON.
export * from './_format';
export * from './_round-trip-report';
