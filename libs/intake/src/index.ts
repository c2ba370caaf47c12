export { INTAKE_METRICS, CommandIntake, intakeGroupOf } from './command-intake';
