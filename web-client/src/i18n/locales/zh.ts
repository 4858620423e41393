import { en, type Messages } from './en';

// PLACEHOLDER until translated
export const zh: Messages = { ...en };
