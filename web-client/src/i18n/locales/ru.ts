import { en, type Messages } from './en';

// PLACEHOLDER until translated
export const ru: Messages = { ...en };
