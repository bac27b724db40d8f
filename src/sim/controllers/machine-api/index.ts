export { MachineApiControllers, type MachineApiControllersOptions } from './machine-api-controllers.js';
export * from './machine.js';
