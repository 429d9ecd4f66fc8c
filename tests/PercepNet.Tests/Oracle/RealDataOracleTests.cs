using PercepNet.Evaluation.Oracle;
using Xunit.Abstractions;

namespace PercepNet.Tests.Oracle;

public class RealDataOracleTests(ITestOutputHelper output)
{
    [SkippableTheory]
    [InlineData(0)]
    [InlineData(5)]
    public void CombBeatsBandsAndEveryOracleBeatsTheNoisyInput(double snr)
    {
        string data = SharedData.Require();
        IReadOnlyList<OracleExperiment.Row> rows = OracleExperiment.Run(data,
            [OracleExperiment.DefaultSpeech[0], OracleExperiment.DefaultSpeech[2]],
            [OracleExperiment.DefaultNoise[0], OracleExperiment.DefaultNoise[1]],
            [snr], [.. OracleModes.All.Select(m => new OracleCondition(m.Mode))]);
        foreach (var group in rows.GroupBy(r => (r.Speech, r.Noise)))
        {
            var byCondition = group.ToDictionary(r => r.Condition);
            output.WriteLine($"{Path.GetFileName(group.Key.Speech)} + {Path.GetFileName(group.Key.Noise)} at {snr} dB: "
                + string.Join(", ", group.Select(r => $"{r.Condition} {r.SiSdr:F2}")));
            double noisy = byCondition["noisy"].SiSdr;
            foreach (var row in group.Where(r => r.Condition != "noisy"))
            {
                Assert.True(row.SiSdr > noisy, $"{row.Condition}: {row.SiSdr:F2} dB vs noisy {noisy:F2} dB");
                Assert.True(row.SegmentalSnr > byCondition["noisy"].SegmentalSnr, $"{row.Condition} segSNR");
            }

            Assert.True(byCondition["bands+comb"].SiSdr > byCondition["bands"].SiSdr,
                $"bands+comb {byCondition["bands+comb"].SiSdr:F2} dB vs bands {byCondition["bands"].SiSdr:F2} dB");
        }
    }
}
