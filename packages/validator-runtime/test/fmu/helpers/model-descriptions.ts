/** What the test model descriptions can vary. */
export interface TestModelDescriptionOptions {
  guid: string;
  modelIdentifier: string;
}

/** The FMI 2.0 model description of the first-order fixture (first-order-fmi2.c). */
export function fmi2FirstOrderXml({ guid, modelIdentifier }: TestModelDescriptionOptions): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<fmiModelDescription fmiVersion="2.0" modelName="FirstOrder" guid="${guid}"
    generationTool="validibot tests" variableNamingConvention="flat" numberOfEventIndicators="0">
  <CoSimulation modelIdentifier="${modelIdentifier}" canHandleVariableCommunicationStepSize="true"/>
  <UnitDefinitions>
    <Unit name="K"/>
    <Unit name="s"/>
  </UnitDefinitions>
  <LogCategories>
    <Category name="logInfo"/>
    <Category name="logError"/>
  </LogCategories>
  <DefaultExperiment startTime="0" stopTime="2" stepSize="0.01"/>
  <ModelVariables>
    <ScalarVariable name="time" valueReference="0" causality="independent" variability="continuous">
      <Real unit="s"/>
    </ScalarVariable>
    <ScalarVariable name="u" valueReference="1" causality="input" variability="continuous">
      <Real start="1" unit="K"/>
    </ScalarVariable>
    <ScalarVariable name="tau" valueReference="2" causality="parameter" variability="fixed">
      <Real start="1" unit="s"/>
    </ScalarVariable>
    <ScalarVariable name="x0" valueReference="3" causality="parameter" variability="fixed">
      <Real start="0" unit="K"/>
    </ScalarVariable>
    <ScalarVariable name="x" valueReference="4" causality="output" variability="continuous" initial="calculated">
      <Real unit="K"/>
    </ScalarVariable>
    <ScalarVariable name="steps" valueReference="5" causality="output" variability="discrete" initial="calculated">
      <Integer/>
    </ScalarVariable>
    <ScalarVariable name="halfway" valueReference="6" causality="output" variability="discrete" initial="calculated">
      <Boolean/>
    </ScalarVariable>
    <ScalarVariable name="label" valueReference="7" causality="parameter" variability="fixed">
      <String start="lag"/>
    </ScalarVariable>
  </ModelVariables>
  <ModelStructure>
    <Outputs>
      <Unknown index="5" dependencies=""/>
      <Unknown index="6" dependencies=""/>
      <Unknown index="7" dependencies=""/>
    </Outputs>
    <InitialUnknowns>
      <Unknown index="5" dependencies="4"/>
      <Unknown index="6"/>
      <Unknown index="7"/>
    </InitialUnknowns>
  </ModelStructure>
</fmiModelDescription>
`;
}

/** The FMI 3.0 model description of the first-order fixture (first-order-fmi3.c). */
export function fmi3FirstOrderXml({ guid, modelIdentifier }: TestModelDescriptionOptions): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<fmiModelDescription fmiVersion="3.0" modelName="FirstOrder3" instantiationToken="${guid}"
    generationTool="validibot tests" variableNamingConvention="flat">
  <CoSimulation modelIdentifier="${modelIdentifier}" canHandleVariableCommunicationStepSize="true"/>
  <UnitDefinitions>
    <Unit name="K"/>
    <Unit name="s"/>
  </UnitDefinitions>
  <DefaultExperiment startTime="0" stopTime="2" stepSize="0.01"/>
  <ModelVariables>
    <Float64 name="time" valueReference="0" causality="independent" variability="continuous" unit="s"/>
    <Float64 name="u" valueReference="1" causality="input" start="1" unit="K"/>
    <Float64 name="tau" valueReference="2" causality="parameter" variability="fixed" start="1" unit="s"/>
    <Float64 name="x0" valueReference="3" causality="parameter" variability="fixed" start="0" unit="K"/>
    <Float64 name="x" valueReference="4" causality="output" unit="K"/>
    <Int32 name="steps" valueReference="5" causality="output" variability="discrete"/>
    <Boolean name="halfway" valueReference="6" causality="output" variability="discrete"/>
    <String name="label" valueReference="7" causality="parameter" variability="fixed">
      <Start value="lag"/>
    </String>
  </ModelVariables>
  <ModelStructure>
    <Output valueReference="4"/>
    <Output valueReference="5"/>
    <Output valueReference="6"/>
    <InitialUnknown valueReference="4" dependencies="3"/>
  </ModelStructure>
</fmiModelDescription>
`;
}
