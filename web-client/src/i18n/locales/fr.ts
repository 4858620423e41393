import { en, type Messages } from './en';

// PLACEHOLDER until translated
export const fr: Messages = { ...en };
