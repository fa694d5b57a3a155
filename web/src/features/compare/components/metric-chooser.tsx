// Checkboxes for the metrics to chart; the choice is kept in the URL by the page.
export interface MetricChooserProps {
  keys: readonly string[];
  chosen: readonly string[];
  onChange: (chosen: string[]) => void;
}

export function MetricChooser({ keys, chosen, onChange }: MetricChooserProps) {
  const chosenSet = new Set(chosen);
  const toggle = (key: string, on: boolean) => {
    // Keeps the metrics in key order so the URL and chart order do not depend on click order.
    onChange(keys.filter((k) => (k === key ? on : chosenSet.has(k))));
  };
  return (
    <fieldset className="metric-chooser">
      <legend>Metrics to chart</legend>
      {keys.map((key) => (
        <label key={key}>
          <input type="checkbox" checked={chosenSet.has(key)} onChange={(e) => toggle(key, e.target.checked)} />
          {key}
        </label>
      ))}
    </fieldset>
  );
}
