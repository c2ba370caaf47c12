export { INTAKE_METRICS, CommandIntake } from './command-intake';
