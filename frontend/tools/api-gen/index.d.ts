export declare const SCHEMA_PATH: string;
export declare const OUTPUT_PATH: string;
export declare function generateSchemaTypes(yaml: string): Promise<string>;
export declare function generateFromFile(path?: string): Promise<string>;
