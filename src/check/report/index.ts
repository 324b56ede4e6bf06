// The checker's last room: the findings as text or JSON.
export * from './_format';
