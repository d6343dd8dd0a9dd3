namespace Declarative.Optimizers;

/// <summary>
/// The signatures the search optimizers ask the prompt model with (in the roles of DSPy's
/// <c>BasicGenerateInstruction</c>, <c>GenerateInstructionGivenAttempts</c>, the grounded proposer's signatures,
/// SIMBA's <c>OfferFeedback</c> and GEPA's reflection prompt); the wording is this library's own.
/// </summary>
internal static class ProposalSignatures
{
    /// <summary>COPRO, first depth: a better instruction from the current one.</summary>
    public static readonly Signature BasicInstruction = Signature.Parse(
        "basic_instruction -> proposed_instruction, proposed_prefix_for_output_field",
        "You are an instruction optimizer for large language models. Given the instruction a model is currently given for a task, "
        + "write a clearer, more effective instruction for the same task, and a short prefix that should introduce the output field.")
        .WithName("GenerateInstruction");

    /// <summary>COPRO, later depths: a better instruction from the scored attempts so far.</summary>
    public static readonly Signature InstructionFromAttempts = Signature.Parse(
        "attempted_instructions -> proposed_instruction, proposed_prefix_for_output_field",
        "You are an instruction optimizer for large language models. You are shown instructions tried for a task, each with the output-field prefix used "
        + "and the score it obtained (higher is better), ordered from worst to best. Study what separates the better ones from the worse ones, "
        + "then write a new instruction, different from all of them, that you expect to score higher, and a short prefix for the output field.")
        .WithName("GenerateInstructionGivenAttempts");

    /// <summary>MIPROv2: observations about a batch of examples, extending earlier ones.</summary>
    public static readonly Signature DescribeData = Signature.Parse(
        "prior_observations, examples -> observations",
        "Given a few examples from a dataset (and any observations already made about earlier examples), write observations about the dataset: "
        + "the topics, the style and length of the inputs and outputs, and anything notable about the task. If you have nothing to add, answer COMPLETE.")
        .WithName("DatasetDescriptor");

    /// <summary>MIPROv2: one summary from the observations.</summary>
    public static readonly Signature SummarizeData = Signature.Parse(
        "observations -> summary",
        "Given observations about a dataset, write a short summary of the dataset in two or three sentences, keeping what matters for writing instructions for the task.")
        .WithName("ObservationSummarizer");

    /// <summary>MIPROv2: what the program does, from its structure.</summary>
    public static readonly Signature DescribeProgram = Signature.Parse(
        "program_structure, examples -> program_description",
        "Below are the predictors of a language-model program, each with its inputs and outputs, and examples of the task it solves. "
        + "Describe in a few sentences what the program is designed to do and how its predictors work together.")
        .WithName("DescribeProgram");

    /// <summary>MIPROv2: an instruction for one predictor, grounded in the data, the program, demos and a tip.</summary>
    public static readonly Signature GroundedInstruction = Signature.Parse(
        "dataset_description, program_description, module_description, task_demos, previous_instructions, basic_instruction, tip -> proposed_instruction",
        "Write a new instruction for one predictor of a language-model program. Use the description of the dataset, the description of the program, "
        + "the predictor's inputs and outputs, examples of its task and the instruction it has now; follow the tip; do not repeat the previous instructions. "
        + "Answer with the instruction only.")
        .WithName("GenerateSingleModuleInstruction");

    /// <summary>SIMBA: advice for one predictor from a better and a worse trajectory on the same input.</summary>
    public static readonly Signature OfferAdvice = Signature.Parse(
        "program_structure, module_name, current_instruction, better_trajectory, better_score, worse_trajectory, worse_score -> advice",
        "A language-model program ran twice on the same input; one run scored better than the other. Compare the two trajectories and write, "
        + "for the named predictor, a short piece of advice (one to three sentences, in the imperative) that would make it behave like the better run "
        + "on inputs like this one in future. Be concrete.")
        .WithName("OfferFeedback");

    /// <summary>GEPA: a new instruction after reflecting on examples, outputs and feedback.</summary>
    public static readonly Signature Reflect = Signature.Parse(
        "current_instruction, examples_with_feedback -> new_instruction",
        "You are improving the instruction of one step of a language-model program. You are given the instruction it has now and a set of examples: "
        + "the inputs the step received, the outputs it produced, and feedback on how good the final result was. Reflect on what went wrong and what went right, "
        + "work out the task's specifics and any rules the feedback reveals, and write a complete new instruction for the step that keeps what works and fixes what did not. "
        + "Answer with the new instruction only.")
        .WithName("ReflectOnFeedback");
}
